import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseRanges } from '../../models/data/tmdb/endpoints';
import { authFromEnv, retryAfterMs, TmdbClient, type TmdbClientOptions } from '../../models/data/tmdb/tmdbClient';
import { moviesOfYear, startFakeTmdb, type FakeTmdb } from './fakeTmdb';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln-_c2ln';

describe('authFromEnv', () => {
  it('sends a v3 key as api_key and a JWT-looking value or TMDB_ACCESS_TOKEN as a bearer token', () => {
    expect(authFromEnv({ TMDB_API_KEY: ' 0123abcd ' })).toEqual({ kind: 'api_key', secret: '0123abcd' });
    expect(authFromEnv({ TMDB_API_KEY: JWT })).toEqual({ kind: 'bearer', secret: JWT });
    expect(authFromEnv({ TMDB_API_KEY: 'v3', TMDB_ACCESS_TOKEN: 'opaque-v4' })).toEqual({ kind: 'bearer', secret: 'opaque-v4' });
    expect(authFromEnv({ TMDB_API_KEY: '' })).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('TmdbClient.redact', () => {
  it('hides the key in query strings and anywhere else it appears', () => {
    const client = new TmdbClient({ auth: { kind: 'api_key', secret: 'k+y/1' } });
    expect(client.redact('GET https://x/3/a?language=en-US&api_key=k%2By%2F1&page=2')).toBe('GET https://x/3/a?language=en-US&api_key=***&page=2');
    expect(client.redact('token k+y/1 leaked')).toBe('token *** leaked');
  });
});

describe('releaseRanges', () => {
  it('cuts whole years into ranges, the last one shorter', () => {
    expect(releaseRanges(2006, 2008, 1).map((r) => `${r.gte}..${r.lte}`)).toEqual(['2006-01-01..2006-12-31', '2007-01-01..2007-12-31', '2008-01-01..2008-12-31']);
    expect(releaseRanges(2000, 2004, 2).map((r) => r.label)).toEqual(['2000-2001', '2002-2003', '2004']);
  });
});

describe('TmdbClient pacing', () => {
  const KEY = 'pacing-key';
  let fake: FakeTmdb | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function clientFor(options: Partial<TmdbClientOptions>, minApiIntervalMs?: number): Promise<[TmdbClient, FakeTmdb]> {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 4, 1), credential: KEY, minApiIntervalMs });
    return [new TmdbClient({ auth: { kind: 'api_key', secret: KEY }, apiBase: fake.apiBase, retryBaseMs: 5, ...options }), fake];
  }
  const statuses = (f: FakeTmdb, prefix: string) => f.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.status);

  it('spaces API requests evenly at maxRequestsPerSecond, and leaves image downloads alone', async () => {
    // The fake refuses an API request closer than 350 ms to the previous one (p-throttle's windows let one come
    // a little early, as the 150 ms allowed at 5 a second did before): a 429 would show any crowding.
    const [client, f] = await clientFor({ maxRequestsPerSecond: 2, retries: 0 }, 350);
    await Promise.all([
      ...Array.from({ length: 3 }, () => client.getJson('/genre/movie/list')),
      ...[1, 2, 3, 4].map((id) => client.getBytes(`${f.imageBase}/poster${id}.jpg`)),
    ]);
    expect(statuses(f, '/3/')).toEqual([200, 200, 200]);
    // The images did not queue behind the API's pacing: all of them came before its second request.
    const secondApi = f.requests.filter((r) => r.path.startsWith('/3/'))[1];
    expect(f.requests.slice(0, f.requests.indexOf(secondApi)).filter((r) => r.path.startsWith('/t/p/'))).toHaveLength(4);
  });

  it("holds every API request, not only the refused one, until a 429's Retry-After has passed", async () => {
    const [client, f] = await clientFor({ maxRequestsPerSecond: 1_000 });
    f.queue('/3/genre/movie/list', { status: 429, headers: { 'retry-after': '1' } });
    const refused = client.getJson('/genre/movie/list');
    while (f.requests.length === 0) await sleep(5);
    await sleep(50);
    await client.getJson('/discover/movie', { page: 1 });
    await refused;
    // The fake answers 429 to any API request within the second: the refused one and the new one both waited.
    expect(statuses(f, '/3/genre')).toEqual([429, 200]);
    expect(statuses(f, '/3/discover')).toEqual([200]);
  });

  it('fails at once on a status that retrying cannot fix', async () => {
    const [client, f] = await clientFor({ retries: 3 });
    await expect(client.getBytes(`${f.imageBase}/missing.jpg`)).rejects.toMatchObject({ name: 'TmdbHttpError', status: 404 });
    expect(f.count('/t/p/')).toBe(1);
  });
});
