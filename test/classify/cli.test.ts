import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { listen, POSTERS, type LocalServer } from '../bot/support';
import { runScript } from '../support/runScript';
import { startTogether } from '../support/startTogether';
import { startWorker, type StartedWorker } from '../support/worker';

const dir = mkdtempSync(join(tmpdir(), 'classify-'));
const csv = join(dir, 'catalogue.csv');
writeFileSync(join(dir, 'poster.jpg'), POSTERS.jpeg);
writeFileSync(join(dir, 'notes.png'), POSTERS.text);

let worker: StartedWorker;
let posters: LocalServer;
let flaky: LocalServer;
let flakyCalls = 0;

beforeAll(async () => {
  [worker, posters] = await startTogether<[StartedWorker, LocalServer]>([
    startWorker({ persistTo: inject('wranglerState') }),
    listen((req, res) => (req.url === '/poster.png' ? res.writeHead(200, { 'content-type': 'image/png' }).end(POSTERS.png) : res.writeHead(404).end())),
  ]);
  // A service that is busy at first: a 429 with Retry-After, then a 503, then the real Worker.
  flaky = await listen(async (req, res) => {
    flakyCalls++;
    if (flakyCalls === 1) return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":{"code":"rate_limited","message":"slow down"}}');
    if (flakyCalls === 2) return void res.writeHead(503).end();
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    });
    const upstream = await fetch(`${worker.url}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) });
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
  });
  writeFileSync(
    csv,
    stringify([
      ['title', 'plot', 'poster', 'year'],
      ['Hitman', 'A retired hitman is pulled back for one last job.', 'poster.jpg', '1998'],
      ['Ghost', 'A family moves into a house where a ghost murders whoever sleeps in the attic.', '', '2001'],
      ['By URL', '', `${posters.url}/poster.png`, ''],
      ['Absolute', 'Two sisters, a vineyard and a feud with the neighbours.', join(dir, 'poster.jpg'), ''],
      ['Missing file', 'A heist in Rome.', 'missing.jpg', ''],
      ['Not an image', '', 'notes.png', ''],
      ['Gone URL', '', `${posters.url}/gone.jpg`, ''],
      ['Nothing', '', '', ''],
      ['Punctuation', '?!', '', ''],
      ['Short', 'zombie', '', ''],
    ]),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([worker?.stop(), posters?.close(), flaky?.close()]);
});

const classify = async (args: string[]) => {
  const run = runScript('classify/cli.ts', args, { GENRE_SHARED_DIR: process.env.GENRE_SHARED_DIR ?? join(__dirname, '../../../shared') }, dir);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
};
const rowsOf = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true });

function expectCatalogue(rows: Record<string, string>[]) {
  expect(rows.map((r) => r.title)).toEqual(['Hitman', 'Ghost', 'By URL', 'Absolute', 'Missing file', 'Not an image', 'Gone URL', 'Nothing', 'Punctuation', 'Short']);
  expect(Object.keys(rows[0])).toEqual(['title', 'plot', 'poster', 'year', 'genre', 'probability', 'genres', 'tmdb_genres', 'warnings', 'error']);
  expect(rows[0].year).toBe('1998');
  for (const row of [rows[0], rows[1], rows[2], rows[3], rows[9]]) {
    expect(row.error, row.title).toBe('');
    const genres = row.genres.split('|').map((g) => g.split(':'));
    expect(genres.map(([g]) => g).sort()).toEqual([...GENRES].sort());
    expect(genres[0]).toEqual([row.genre, row.probability]);
    expect(row.tmdb_genres.split('|')).toHaveLength(5);
  }
  expect(rows[9].warnings).toContain('plot_too_short');
  expect(rows[4].error).toMatch(/^poster_file_unreadable: .*missing\.jpg/);
  expect(rows[5].error).toMatch(/^unsupported_image: /);
  expect(rows[6].error).toBe('poster_url_failed: posterUrl answered HTTP 404');
  expect(rows[7].error).toBe('missing_input: send a plot, a poster, or both');
  expect(rows[8].error).toMatch(/^invalid_plot: /);
  for (const row of rows.slice(4, 9)) expect(row.genre).toBe('');
}

describe('npm run classify', () => {
  it('classifies a CSV locally: paths, URLs, bad rows with their error, input columns kept, in order', async () => {
    const out = join(dir, 'local.csv');
    const { code, stderr } = await classify([csv, '--out', out]);
    expect(code, stderr).toBe(0);
    expectCatalogue(rowsOf(out));
    expect(stderr).toMatch(/10 rows: 10 classified, 5 with an error; .* rows\/s, by the local models \d{4}-\d\d-\d\d\./);
  });

  it('gives the same answers through the service (--url), retrying a 429 and a 503', async () => {
    const local = join(dir, 'local.csv');
    if (!rowsOf(local).length) throw new Error('the local run writes local.csv first');
    const out = join(dir, 'remote.csv');
    const { code, stderr } = await classify([csv, '--out', out, '--url', flaky.url]);
    expect(code, stderr).toBe(0);
    expect(flakyCalls).toBe(3);
    expect(stderr).toMatch(/HTTP 429; retrying in [1-9]\d* s/);
    expect(stderr).toMatch(/HTTP 503; retrying/);
    const remote = rowsOf(out);
    expectCatalogue(remote);
    rowsOf(local).forEach((row, i) => {
      expect(remote[i].genre, row.title).toBe(row.genre);
      // onnxruntime-node here, onnxruntime-web there: the same to the fourth decimal, give or take its rounding.
      if (row.probability) expect(Math.abs(Number(remote[i].probability) - Number(row.probability))).toBeLessThanOrEqual(1e-4);
      expect(remote[i].warnings).toBe(row.warnings);
      expect(remote[i].error).toBe(row.error);
    });
  });

  it('resumes an interrupted run: the rows already written are kept, a row cut short is redone', async () => {
    const full = readFileSync(join(dir, 'local.csv'), 'utf8');
    const out = join(dir, 'resumed.csv');
    // Header and three rows, then half of the fourth, as a kill during a write leaves it.
    const lines = full.split('\n');
    writeFileSync(out, `${lines.slice(0, 4).join('\n')}\n${lines[4].slice(0, 20)}`);
    const { code, stderr } = await classify([csv, '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('7 classified, 3 already in');
    expect(readFileSync(out, 'utf8')).toBe(full);
    // Nothing left to do: a rerun changes nothing.
    const again = await classify([csv, '--out', out]);
    expect(again.stderr).toContain('0 classified, 10 already in');
    expect(readFileSync(out, 'utf8')).toBe(full);
  });

  it('refuses to resume into a file written for another input', async () => {
    const out = join(dir, 'other.csv');
    writeFileSync(out, stringify([['title', 'plot', 'poster', 'year', 'genre', 'probability', 'genres', 'tmdb_genres', 'warnings', 'error'], ['Other', 'x', '', '', '', '', '', '', '', '']]));
    const { code, stderr } = await classify([csv, '--out', out]);
    expect(code).toBe(1);
    expect(stderr).toContain('row 1 is not row 1 of the input');
  });

  it.each([
    [[], 'give one CSV file'],
    [['a.csv', 'b.csv'], 'give one CSV file'],
    [['x.csv', '--url', 'localhost:8787'], '--url must be'],
    [['x.csv', '--concurrency', '0'], '--concurrency must be'],
  ])('exits 2 on bad arguments %j', async (args, message) => {
    const { code, stderr } = await classify(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 1 naming the problem for a CSV without plot or poster column', async () => {
    writeFileSync(join(dir, 'titles.csv'), 'title,year\nAlien,1979\n');
    const { code, stderr } = await classify([join(dir, 'titles.csv')]);
    expect(code).toBe(1);
    expect(stderr).toContain('has no plot or poster column');
  });
});
