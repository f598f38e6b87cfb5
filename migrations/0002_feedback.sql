-- Corrections people send with POST /feedback (src/feedback/store.ts), exported as training data by
-- `npm run feedback:export`. No IP address or Discord user is stored. A poster's bytes are in the FEEDBACK
-- R2 bucket under posters/<poster_sha256>, never here.
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- ISO 8601, UTC.
  created_at TEXT NOT NULL,
  -- The plot as the API read it (line breaks as LF, trimmed).
  plot TEXT,
  poster_sha256 TEXT,
  -- The genre the service answered, and the one the person says is right (both one of the seven).
  predicted TEXT NOT NULL,
  genre TEXT NOT NULL,
  -- The TMDB genres the person gave, as a JSON array of names, or NULL.
  tmdb_genres TEXT,
  comment TEXT,
  -- The model version of the answer that was corrected.
  model_version TEXT NOT NULL,
  CHECK (plot IS NOT NULL OR poster_sha256 IS NOT NULL)
);
CREATE INDEX feedback_by_time ON feedback (created_at);
