import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Prediction } from '../../src/shared/apiSchemas';
import { fromB64, postForm, postJson, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const PLOT = 'Two estranged sisters inherit a vineyard and a feud with the neighbours that turns into a comedy of errors.';

const answer = async (res: Response) => ({ status: res.status, cacheStatus: res.headers.get('cache-status'), body: (await res.json()) as Prediction });
const withoutTimings = ({ timings: _t, ...rest }: Prediction) => rest;

/** The cache is written after the answer is sent (waitUntil): ask until the repeat is a hit. */
const hitOf = (send: () => Promise<Response>) =>
  vi.waitFor(
    async () => {
      const a = await answer(await send());
      expect(a.cacheStatus).toBe('genre-classifier; hit');
      return a;
    },
    { timeout: 5_000, interval: 100 },
  );

describe('repeated /predict requests come from the cache', () => {
  it('a repeat is a hit with the same answer, told apart by Cache-Status and timings', async () => {
    const poster = inject('fixtures').jpeg;
    const first = await answer(await postJson({ plot: PLOT, poster }));
    expect(first.status).toBe(200);
    expect(first.cacheStatus).toBe('genre-classifier; fwd=miss');
    expect(first.body.timings.cached).toBe(false);
    const again = await hitOf(() => postJson({ plot: PLOT, poster }));
    expect(withoutTimings(again.body)).toEqual(withoutTimings(first.body));
    expect(again.body.timings).toMatchObject({ cached: true, loadMs: 0, decodeMs: 0, modelMs: 0 });
    // The same plot and poster bytes sent as multipart: the same entry.
    const form = await answer(await postForm({ plot: PLOT, poster: fromB64(poster) }));
    expect(form.cacheStatus).toBe('genre-classifier; hit');
    expect(withoutTimings(form.body)).toEqual(withoutTimings(first.body));
  });

  it('Cache-Control: no-cache computes afresh, no-store also keeps the answer out', async () => {
    const plot = 'An astronaut stranded on Mars grows potatoes to survive until a rescue can reach him.';
    const fresh = await answer(await postJson({ plot }, { 'cache-control': 'no-store' }));
    expect(fresh.cacheStatus).toBe('genre-classifier; fwd=request');
    await new Promise((r) => setTimeout(r, 300));
    expect((await answer(await postJson({ plot }))).cacheStatus).toBe('genre-classifier; fwd=miss');
    await hitOf(() => postJson({ plot }));
    const forced = await answer(await postJson({ plot }, { 'cache-control': 'no-cache' }));
    expect(forced.cacheStatus).toBe('genre-classifier; fwd=request');
    expect(forced.body.timings.cached).toBe(false);
    expect(withoutTimings(forced.body)).toEqual(withoutTimings(fresh.body));
  });

  it('a posterUrl is keyed by the poster it downloads', async () => {
    // The poster server's /poster.jpg and its redirect serve the fixture's bytes.
    const url = `${testEnv.POSTER_SERVER}/poster.jpg`;
    await postJson({ posterUrl: url });
    await hitOf(() => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/redirect-ok` }));
    expect((await answer(await postJson({ poster: inject('fixtures').jpeg }))).cacheStatus).toBe('genre-classifier; hit');
  });

  it('another poster or another plot is a miss', async () => {
    const f = inject('fixtures');
    await postJson({ plot: PLOT, poster: f.jpeg });
    await hitOf(() => postJson({ plot: PLOT, poster: f.jpeg }));
    expect((await answer(await postJson({ plot: PLOT, poster: f.png }))).cacheStatus).toBe('genre-classifier; fwd=miss');
    expect((await answer(await postJson({ plot: `${PLOT} Again.`, poster: f.jpeg }))).cacheStatus).toBe('genre-classifier; fwd=miss');
  });

  it('a republished model never serves an answer of the previous version', async () => {
    const published = JSON.parse(atob(inject('models')['manifest.json'])) as { version: string };
    const plot = 'A lighthouse keeper finds a stranger washed ashore after a storm.';
    await postJson({ plot });
    const before = await hitOf(() => postJson({ plot }));
    expect(before.body.modelVersion).toBe(published.version);
    // The same files under a new version (MODEL_RECHECK_SECONDS is 0 in the tests): the next request loads it.
    await putModels({ 'manifest.json': JSON.stringify({ ...published, version: `${published.version}-republished` }) });
    const after = await answer(await postJson({ plot }));
    expect(after.cacheStatus).toBe('genre-classifier; fwd=miss');
    expect(after.body.modelVersion).toBe(`${published.version}-republished`);
    expect(after.body.timings.cached).toBe(false);
    await putModels();
  });
});
