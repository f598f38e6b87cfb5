import type { Genre } from '../shared/labels';
import { KEPT_ANSWER_TTL_MS, newAnswerKey, type KeptAnswer } from '../shared/discord/genreFeedback';

/**
 * The /genre answers of serverless mode, kept for a day so that the "Correct genre…" menu under each can send
 * a correction (migrations/0003_kept_answers.sql). D1 rather than the isolate's memory: the choice in the menu
 * may reach any isolate, hours later.
 */

/** Keeps `answer` and returns its key; rows past their day are deleted in the same round trip. */
export async function keepAnswer(db: D1Database, answer: KeptAnswer, now = Date.now()): Promise<string> {
  const key = newAnswerKey();
  await db.batch([
    db.prepare('DELETE FROM kept_answers WHERE kept_at < ?1').bind(now - KEPT_ANSWER_TTL_MS),
    db
      .prepare('INSERT INTO kept_answers (key, kept_at, plot, poster_url, predicted, model_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
      .bind(key, now, answer.plot ?? null, answer.posterUrl ?? null, answer.predicted, answer.modelVersion),
  ]);
  return key;
}

interface Row {
  plot: string | null;
  poster_url: string | null;
  predicted: Genre;
  model_version: string;
}

/** The answer kept under `key`, unless it is unknown or older than a day (deleted or not yet). */
export async function keptAnswer(db: D1Database, key: string, now = Date.now()): Promise<KeptAnswer | undefined> {
  const row = await db
    .prepare('SELECT plot, poster_url, predicted, model_version FROM kept_answers WHERE key = ?1 AND kept_at >= ?2')
    .bind(key, now - KEPT_ANSWER_TTL_MS)
    .first<Row>();
  if (!row) return undefined;
  return { plot: row.plot ?? undefined, posterUrl: row.poster_url ?? undefined, predicted: row.predicted, modelVersion: row.model_version };
}
