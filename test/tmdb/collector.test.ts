import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import * as jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../models/data/dataset';
import { collectTmdb, MAX_POSTER_FAILURES_IN_A_ROW, type CollectOptions } from '../../models/data/tmdb/collector';
import type { Progress } from '../../models/data/tmdb/progress';
import { moviesOfYear, startFakeTmdb, type FakeMovie, type FakeTmdb } from './fakeTmdb';

const KEY = '0123456789abcdef0123456789abcdef';
const HEADER = 'tmdb_id,imdb_id,title,year,overview,genres,label,poster,poster_source,text_source';

let dir: string;
let fake: FakeTmdb | undefined;
let logs: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tmdb-collect-'));
  logs = [];
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await rm(dir, { recursive: true, force: true });
});

const progress: Progress = { update: () => {}, log: (line) => logs.push(line), stop: () => {} };

function options(f: FakeTmdb, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    outDir: dir,
    auth: { kind: 'api_key', secret: KEY },
    apiBase: f.apiBase,
    imageBase: f.imageBase,
    fromYear: 2010,
    toYear: 2011,
    http: { timeoutMs: 2_000, retries: 3, retryBaseMs: 5, maxBackoffMs: 5_000, maxRequestsPerSecond: 1_000 },
    progress,
    ...extra,
  };
}

async function manifestRows(outDir = dir): Promise<Record<string, string>[]> {
  return parse(await readFile(join(outDir, 'manifest.csv'), 'utf8'), { columns: true });
}

/** 12 movies in 2010 and 6 in 2011, 5 a page, with one movie of every kind of trouble. */
function troubledMovies(): FakeMovie[] {
  const y2010 = moviesOfYear(2010, 12, 100);
  const y2011 = moviesOfYear(2011, 6, 200);
  y2010[1].overview = '   ';
  y2010[2].poster_path = null;
  y2010[3].genre_ids = [];
  y2010[4].poster_path = '/broken.jpg';
  y2010[5].poster_path = '/gone.jpg';
  y2010[6].overview = 'A plot, with commas,\nquotes "like this" and a line break.';
  y2010[7].overview = 'A line break\nand nothing else to quote';
  y2011[0].genre_ids = [18, 35];
  // TMDB's popularity order shifts while paging: the same movie can come back on a later page.
  y2011.push({ ...y2011[2], popularity: 0 });
  return [...y2010, ...y2011];
}

const BROKEN = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

describe('collectTmdb', () => {
  it('pages every release year, skips what it cannot use and writes the shared format', async () => {
    fake = await startFakeTmdb({ movies: troubledMovies(), pageSize: 5, credential: KEY, images: { '/broken.jpg': BROKEN } });
    fake.queue('/t/p/w500/gone.jpg', { status: 404 });
    const summary = await collectTmdb(options(fake));

    const discover = fake.requests.filter((r) => r.path === '/3/discover/movie');
    expect(discover.map((r) => `${r.query.get('primary_release_date.gte')}..${r.query.get('primary_release_date.lte')} p${r.query.get('page')}`)).toEqual([
      '2010-01-01..2010-12-31 p1',
      '2010-01-01..2010-12-31 p2',
      '2010-01-01..2010-12-31 p3',
      '2011-01-01..2011-12-31 p1',
      '2011-01-01..2011-12-31 p2',
    ]);
    for (const r of discover) {
      expect(r.query.get('sort_by')).toBe('popularity.desc');
      expect(r.query.get('include_adult')).toBe('false');
      expect(r.query.get('language')).toBe('en-US');
    }
    expect(fake.count('/3/genre/movie/list')).toBe(1);

    expect(summary).toMatchObject({
      newRows: 13,
      totalRows: 13,
      resumedRows: 0,
      pagesFetched: 5,
      postersDownloaded: 13,
      postersReused: 0,
      interrupted: false,
    });
    expect(summary.skipped).toEqual({
      already_in_manifest: 0,
      duplicate: 1,
      no_overview: 1,
      no_poster: 1,
      no_genres: 1,
      over_cap: 0,
      broken_image: 1,
      poster_unavailable: 1,
    });
    expect(Object.values(summary.perLabel).reduce((a, b) => a + b)).toBe(13);

    const text = await readFile(join(dir, 'manifest.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe(HEADER);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[1]).toBe(
      '100,,Movie 100,2010,"Plot of movie 100, in which ""things"" happen.",Action|Documentary,Action,posters/100.jpg,tmdb_api,tmdb_api',
    );
    // Quoted as Python's csv writer quotes it (a lone \n too), so Python's reader sees one row.
    expect(text).toContain('\r\n107,,Movie 107,2010,"A line break\nand nothing else to quote",');
    const rows = await manifestRows();
    expect(rows.map((r) => Number(r.tmdb_id))).toEqual([100, 106, 107, 108, 109, 110, 111, ...Array.from({ length: 6 }, (_, i) => 200 + i)]);
    const byId = new Map(rows.map((r) => [r.tmdb_id, r]));
    expect(byId.get('106')!.overview).toBe('A plot, with commas,\nquotes "like this" and a line break.');
    // Genres in TMDB's order, label from the first one only.
    expect(byId.get('200')).toMatchObject({ genres: 'Drama|Comedy', label: 'Drama', year: '2011' });
    expect(byId.get('201')).toMatchObject({ genres: 'Adventure|Drama', label: 'Others' });
    expect(byId.get('202')).toMatchObject({ genres: 'Animation|Family', label: 'Animation' });

    const files = (await readdir(join(dir, 'posters'))).sort();
    expect(files).toEqual(rows.map((r) => `${r.tmdb_id}.jpg`).sort());
    const poster = jpeg.decode(await readFile(join(dir, 'posters', '100.jpg')));
    expect([poster.width, poster.height]).toEqual([149, 224]);

    // The trainer's own reader accepts the folder.
    const dataset = await loadDataset(dir);
    expect(dataset).toHaveLength(13);
    expect(logs.some((l) => l.startsWith('skip 104: poster looks like jpeg'))).toBe(true);
  });

  it('stops at --pages per range and resizes to the requested height', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 30, 1), pageSize: 5, credential: KEY });
    const summary = await collectTmdb(options(fake, { toYear: 2010, pages: 2, posterHeight: 96 }));
    expect(fake.requests.filter((r) => r.path === '/3/discover/movie').map((r) => r.query.get('page'))).toEqual(['1', '2']);
    expect(summary.newRows).toBe(10);
    const poster = jpeg.decode(await readFile(join(dir, 'posters', '1.jpg')));
    expect([poster.width, poster.height]).toEqual([64, 96]);
    // Resuming at another height would mix two poster sizes in one dataset.
    const before = fake.requests.length;
    await expect(collectTmdb(options(fake, { toYear: 2010, pages: 3 }))).rejects.toThrow(
      `the posters in ${join(dir, 'posters')} are 96 px high: resume with --poster-height 96, or choose another --out`,
    );
    expect(fake.requests.length).toBe(before);
  });

  it('waits out a 429 for its Retry-After before asking again', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 3, 1), pageSize: 2, credential: KEY });
    fake.queue('/3/discover/movie', { status: 429, headers: { 'retry-after': '1' }, body: '{"status_code":25}' });
    const summary = await collectTmdb(options(fake, { toYear: 2010 }));
    const discover = fake.requests.filter((r) => r.path === '/3/discover/movie');
    // The fake answers 429 again to a request within the second: one 429 means it waited.
    expect(discover.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(summary.newRows).toBe(3);
    expect(logs.some((l) => l.includes('HTTP 429') && l.includes('waiting 1.0 s'))).toBe(true);
  });

  it('retries a 500 and a timeout, on the API and on images', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 3, 1), pageSize: 5, credential: KEY });
    fake.queue('/3/genre/movie/list', { status: 500 });
    fake.queue('/3/discover/movie', { status: 503 });
    fake.queue('/t/p/w500/poster2.jpg', { status: 502 });
    const slow = fake.hold('/t/p/w500/poster3.jpg');
    const run = collectTmdb(options(fake, { toYear: 2010, http: { timeoutMs: 300, retries: 3, retryBaseMs: 5, maxRequestsPerSecond: 1_000 } }));
    await slow.hit;
    // The first attempt times out while held; the retry is answered.
    setTimeout(() => slow.release(), 400);
    const summary = await run;
    expect(summary.newRows).toBe(3);
    expect(fake.requests.filter((r) => r.path === '/3/genre/movie/list').map((r) => r.status)).toEqual([500, 200]);
    expect(fake.requests.filter((r) => r.path === '/t/p/w500/poster2.jpg').map((r) => r.status)).toEqual([502, 200]);
    expect(logs.some((l) => l.includes('poster3.jpg: timed out'))).toBe(true);
  });

  it('gives up after the retries with an error that does not contain the key', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 3, 1), credential: KEY });
    fake.queue('/3/genre/movie/list', ...Array.from({ length: 4 }, () => ({ status: 500 })));
    const error = await collectTmdb(options(fake)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('HTTP 500 (gave up after 4 attempts)');
    expect((error as Error).message).toContain('api_key=***');
    expect((error as Error).message + logs.join('\n')).not.toContain(KEY);
  });

  it('fails at once, without the key in the message, when TMDB refuses the credentials', async () => {
    fake = await startFakeTmdb({ movies: [], credential: 'another-key' });
    const error = (await collectTmdb(options(fake)).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/genre\/movie\/list\?.*api_key=\*\*\*.*: HTTP 401$/);
    expect(error.message).not.toContain(KEY);
    expect(fake.count('/3/genre')).toBe(1);
  });

  it('sends a v4 token as a bearer header, and no credential to the image host', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJl';
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 2, 1), credential: token });
    await collectTmdb(options(fake, { auth: { kind: 'bearer', secret: token }, toYear: 2010 }));
    const api = fake.requests.filter((r) => r.path.startsWith('/3/'));
    expect(api.every((r) => r.headers.authorization === `Bearer ${token}` && !r.query.has('api_key'))).toBe(true);
    const images = fake.requests.filter((r) => r.path.startsWith('/t/p/'));
    expect(images).toHaveLength(2);
    expect(images.every((r) => r.headers.authorization === undefined && !r.query.has('api_key'))).toBe(true);
  });

  it('caps each label and stops paging once every label is full', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 40, 1), pageSize: 10, credential: KEY });
    const summary = await collectTmdb(options(fake, { fromYear: 2010, toYear: 2012, perClassCap: 1 }));
    // Genres cycle in TMDB's list order; Horror, the 11th, is the last label to appear (page 2).
    expect(summary.perLabel).toEqual({ Action: 1, Animation: 1, Comedy: 1, Documentary: 1, Drama: 1, Horror: 1, Others: 1 });
    expect(summary.pagesFetched).toBe(2);
    expect(fake.count('/t/p/w500/')).toBe(7);
    expect(summary.skipped.over_cap).toBe(20 - 7);
  });

  it('fills imdb_id from external_ids only when asked', async () => {
    const movies = moviesOfYear(2010, 3, 1);
    movies[2].imdb_id = null;
    fake = await startFakeTmdb({ movies, credential: KEY });
    await collectTmdb(options(fake, { toYear: 2010, imdbIds: true }));
    expect((await manifestRows()).map((r) => r.imdb_id)).toEqual(['tt0000001', 'tt0000002', '']);
    expect(fake.count('/3/movie/')).toBe(3);
  });

  it('resumes an interrupted run without downloading a poster twice', async () => {
    const movies = [...moviesOfYear(2010, 6, 100), ...moviesOfYear(2011, 6, 200)];
    fake = await startFakeTmdb({ movies, pageSize: 3, credential: KEY });
    const stop = new AbortController();
    // Interrupt in the middle of the second year's first page.
    const held = fake.hold('/t/p/w500/poster202.jpg');
    const first = collectTmdb(options(fake, { signal: stop.signal, flushIntervalMs: 60_000 }));
    await held.hit;
    // The page's other posters finish first, then Ctrl-C.
    while (!['200', '201'].every((id) => existsSync(join(dir, 'posters', `${id}.jpg`)))) await sleep(20);
    stop.abort();
    const interrupted = await first;
    const downloadedFirst = new Set(fake.requests.filter((r) => r.path.startsWith('/t/p/') && r.status === 200).map((r) => r.path));
    held.release();
    expect(interrupted.interrupted).toBe(true);
    const afterFirst = await manifestRows();
    expect(afterFirst.length).toBe(interrupted.newRows);
    expect(afterFirst.map((r) => r.tmdb_id)).toContain('200');
    expect(afterFirst.map((r) => r.tmdb_id)).not.toContain('202');
    // No temporary file of write-file-atomic is left behind: every file is a finished poster.
    expect((await readdir(join(dir, 'posters'))).every((f) => /^\d+\.jpg$/.test(f))).toBe(true);

    const before = fake.requests.length;
    const resumed = await collectTmdb(options(fake));
    const secondRun = fake.requests.slice(before);
    expect(secondRun.filter((r) => downloadedFirst.has(r.path))).toEqual([]);
    expect(resumed).toMatchObject({ resumedRows: afterFirst.length, totalRows: 12, interrupted: false });
    expect(resumed.skipped.already_in_manifest).toBe(afterFirst.length);

    const rows = await manifestRows();
    expect(rows.slice(0, afterFirst.length)).toEqual(afterFirst);
    expect(rows.map((r) => Number(r.tmdb_id)).sort((a, b) => a - b)).toEqual(movies.map((m) => m.id));
    expect((await readdir(join(dir, 'posters'))).sort()).toEqual(movies.map((m) => `${m.id}.jpg`).sort());
  });

  it('reuses posters on disk that never made it into the manifest', async () => {
    fake = await startFakeTmdb({ movies: moviesOfYear(2010, 4, 1), credential: KEY });
    await collectTmdb(options(fake, { toYear: 2010 }));
    await rm(join(dir, 'manifest.csv'));
    const before = fake.count('/t/p/');
    const summary = await collectTmdb(options(fake, { toYear: 2010 }));
    expect(fake.count('/t/p/')).toBe(before);
    expect(summary).toMatchObject({ newRows: 4, postersReused: 4, postersDownloaded: 0 });
  });

  it(`stops after ${MAX_POSTER_FAILURES_IN_A_ROW} poster downloads fail in a row, naming the image base, and keeps the rows before`, async () => {
    const movies = moviesOfYear(2010, MAX_POSTER_FAILURES_IN_A_ROW + 10, 1);
    fake = await startFakeTmdb({ movies, pageSize: 10, credential: KEY });
    // The first five posters are there; every later one is not (a host that stopped serving, say).
    for (const m of movies.slice(5)) fake.queue(`/t/p/w500${m.poster_path}`, { status: 404 });
    const error = (await collectTmdb(options(fake, { toYear: 2010, concurrency: 1 })).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(new RegExp(`^${MAX_POSTER_FAILURES_IN_A_ROW} posters in a row could not be downloaded \\(the last: GET .*/poster25\\.jpg: HTTP 404\\): check --image-base \\(${fake.imageBase}\\)`));
    // poster25 is the middle of the third page: the rest of that page is never asked for.
    expect(fake.count('/t/p/')).toBe(5 + MAX_POSTER_FAILURES_IN_A_ROW);
    expect((await manifestRows()).map((row) => row.tmdb_id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('refuses to append to a file that is not a manifest', async () => {
    fake = await startFakeTmdb({ movies: [], credential: KEY });
    await writeFile(join(dir, 'manifest.csv'), 'id,name\r\n1,x\r\n');
    await expect(collectTmdb(options(fake))).rejects.toThrow(/columns are not tmdb_id,imdb_id/);
  });
});
