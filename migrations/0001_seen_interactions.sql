-- Discord interaction ids that POST /interactions has accepted, with when (Unix ms): a signed request
-- replayed while its timestamp is still accepted finds its id here and does nothing
-- (src/discord/replay.ts). Rows older than twice the signature window are deleted as new ones arrive.
CREATE TABLE seen_interactions (
  id TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);
CREATE INDEX seen_interactions_by_time ON seen_interactions (seen_at);
