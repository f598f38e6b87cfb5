-- What POST /interactions keeps of each /genre answer it sends (src/discord/keptAnswers.ts), so that a choice
-- in the "Correct genre…" menu under the answer can be stored as a correction: the menu's custom id carries
-- only the random key. No user or channel id. Rows older than a day, when Discord's signed attachment URLs
-- expire, are deleted as new ones arrive and are never read.
CREATE TABLE kept_answers (
  key TEXT PRIMARY KEY,
  -- Unix ms.
  kept_at INTEGER NOT NULL,
  -- The plot as classified, and the URL of the attached poster.
  plot TEXT,
  poster_url TEXT,
  -- The genre answered (one of the seven) and the model version that answered.
  predicted TEXT NOT NULL,
  model_version TEXT NOT NULL,
  CHECK (plot IS NOT NULL OR poster_url IS NOT NULL)
);
CREATE INDEX kept_answers_by_time ON kept_answers (kept_at);
