import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wrangler } from '../../models/publish/publish';

// What `npm run dev` does to the local database (`wrangler d1 migrations apply DB --local`), on an empty state.
describe('D1 migrations', () => {
  const dir = mkdtemp(join(tmpdir(), 'genre-d1-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));
  const query = async (sql: string) => {
    const out = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', await dir, '--json', '--command', sql]);
    return (JSON.parse(out) as { results: Record<string, unknown>[] }[])[0].results;
  };

  it('create every table from scratch, and a second run has nothing to do', async () => {
    const first = await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', await dir]);
    expect(first).toContain('0001_seen_interactions.sql');
    expect(first).toContain('0002_feedback.sql');
    expect(first).toContain('0003_kept_answers.sql');
    const tables = (await query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")).map((r) => r.name);
    // d1_migrations: wrangler's record of what it applied.
    expect(tables).toEqual(['d1_migrations', 'feedback', 'kept_answers', 'seen_interactions']);
    expect((await query("SELECT name FROM pragma_table_info('feedback')")).map((r) => r.name)).toEqual([
      'id', 'created_at', 'plot', 'poster_sha256', 'predicted', 'genre', 'tmdb_genres', 'comment', 'model_version',
    ]);
    // What a correction from the Discord menu needs of its answer, and no user or channel.
    expect((await query("SELECT name FROM pragma_table_info('kept_answers')")).map((r) => r.name)).toEqual([
      'key', 'kept_at', 'plot', 'poster_url', 'predicted', 'model_version',
    ]);
    expect(await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', await dir])).toContain('No migrations to apply');
  });

  it('refuse a correction without a plot or a poster at the database too', async () => {
    const insert = query("INSERT INTO feedback (created_at, predicted, genre, model_version) VALUES ('2026-12-08T00:00:00Z', 'Drama', 'Comedy', 'v')");
    await expect(insert).rejects.toMatchObject({ stdout: expect.stringContaining('CHECK constraint failed') });
  });
});
