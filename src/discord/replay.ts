/**
 * Each interaction id is handled once: Discord signs a request over its timestamp and body, so a captured
 * request verifies again for as long as its timestamp is accepted. D1, because the check must be atomic
 * and seen at once by every isolate (KV is neither; the Cache API does nothing on workers.dev).
 */

/**
 * How long an id is remembered: a request is accepted while its timestamp is within `windowS` of the
 * clock, so its replays can arrive until 2 x windowS after the first sighting at the latest.
 */
export const rememberedMs = (windowS: number) => 2 * windowS * 1000;

/**
 * Records `id` as seen and says whether this was its first sighting; rows past the window are deleted in
 * the same round trip. The insert alone decides: a second insert of an id changes nothing.
 */
export async function firstSighting(db: D1Database, id: string, windowS: number, now = Date.now()): Promise<boolean> {
  const [, inserted] = await db.batch([
    db.prepare('DELETE FROM seen_interactions WHERE seen_at < ?1').bind(now - rememberedMs(windowS)),
    db.prepare('INSERT INTO seen_interactions (id, seen_at) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING').bind(id, now),
  ]);
  return inserted.meta.changes === 1;
}
