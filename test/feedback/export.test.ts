import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../models/data/dataset';
import { FEEDBACK_ID_OFFSET } from '../../models/feedback/exportFeedback';
import { GENRES } from '../../src/shared/labels';
import { POSTERS } from '../bot/support';
import { runScript } from '../support/runScript';
import { applyMigrations, startWorker, type StartedWorker } from '../support/worker';

// Corrections sent to a real Worker (wrangler dev, its own local D1 and R2), then exported by the command.
let state: string;
let out: string;
let worker: StartedWorker;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'genre-feedback-state-'));
  out = await mkdtemp(join(tmpdir(), 'genre-feedback-out-'));
  await applyMigrations(state);
  worker = await startWorker({ persistTo: state });
  const send = async (body: object) => {
    const res = await fetch(`${worker.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };
  const version = { modelVersion: '2026-12-02.012f8dee' };
  await send({ ...version, plot: 'Two rival chefs share a food truck for a summer of disasters.', predicted: 'Drama', genre: 'Comedy', tmdbGenres: ['Comedy', 'Romance'] });
  await send({ ...version, poster: Buffer.from(POSTERS.png).toString('base64'), predicted: 'Documentary', genre: 'Animation' });
  await send({ ...version, plot: 'A lighthouse keeper and a ghost.', poster: Buffer.from(POSTERS.jpeg).toString('base64'), predicted: 'Drama', genre: 'Horror', comment: 'spooky' });
  await worker.stop();
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([state, out].map((d) => d && rm(d, { recursive: true, force: true })));
});

const exportTo = async (args: string[]) => {
  const run = runScript('models/cli/exportFeedback.ts', args, {}, process.cwd());
  return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
};

describe('npm run feedback:export', () => {
  it('writes the corrections as a data folder the dataset reader reads, with their posters', async () => {
    const { code, stdout, stderr } = await exportTo(['--out', out, '--persist-to', state]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('wrote 3 corrections (2 with a poster) from the local database');
    const movies = await loadDataset(out);
    expect(movies.map((m) => [m.tmdbId - FEEDBACK_ID_OFFSET, GENRES[m.label], m.genres, m.overview, m.posterSource])).toEqual([
      [1, 'Comedy', ['Comedy', 'Romance'], 'Two rival chefs share a food truck for a summer of disasters.', 'unknown'],
      [2, 'Animation', [], '', 'feedback'],
      [3, 'Horror', [], 'A lighthouse keeper and a ghost.', 'feedback'],
    ]);
    // The posters' very bytes, named by their format.
    expect(movies[1].posterPath).toMatch(/posters\/1000000002\.png$/);
    expect(new Uint8Array(await readFile(movies[1].posterPath))).toEqual(POSTERS.png);
    expect(new Uint8Array(await readFile(movies[2].posterPath))).toEqual(POSTERS.jpeg);
    const csv = await readFile(join(out, 'manifest.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('tmdb_id,imdb_id,title,year,overview,genres,label,poster,poster_source,text_source');
    expect(csv.split('\n').slice(1, 4).every((line) => line.endsWith(',feedback'))).toBe(true);
  });

  it('exits 2 without --out', async () => {
    const { code, stderr } = await exportTo([]);
    expect(code).toBe(2);
    expect(stderr).toContain('--out DIR');
  });
});
