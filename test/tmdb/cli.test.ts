import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { runScript } from '../support/runScript';
import { moviesOfYear, startFakeTmdb, type FakeTmdb } from './fakeTmdb';

// `npm run data:tmdb` (tsx models/cli/collectTmdb.ts) as a process, in an empty folder so no .env leaks in.

const KEY = 'cli-v3-key-must-never-be-printed';

let cwd: string;
let fake: FakeTmdb;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tmdb-cli-'));
  fake = await startFakeTmdb({ movies: moviesOfYear(2010, 10, 1), pageSize: 5, credential: KEY });
});

afterAll(async () => {
  await fake?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = { TMDB_API_KEY: KEY }) => runScript('models/cli/collectTmdb.ts', args, env, cwd);

/** Resolves once the posters of page 2 other than the held poster8 are on disk. */
async function page2PostersWritten(out: string): Promise<void> {
  while (!['6', '7', '9', '10'].every((id) => existsSync(join(out, 'posters', `${id}.jpg`)))) await new Promise((r) => setTimeout(r, 20));
}

const against = () => ['--api-base', fake.apiBase, '--image-base', fake.imageBase, '--from', '2010', '--to', '2010'];

describe('npm run data:tmdb', () => {
  it('prints usage for --help, exits 2 on bad input and 1 with a redacted error when TMDB refuses the key', async () => {
    const wrong = 'wrong-key-also-secret';
    const help = run(['--help']);
    const badFlag = run(['--out', 'x', '--pages', '0']);
    const noKey = run(['--out', 'x'], {});
    const refused = run(['--out', join(cwd, 'refused'), ...against()], { TMDB_API_KEY: wrong });
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: npm run data:tmdb -- --out DIR/);
    expect(await badFlag.exited).toBe(2);
    expect(badFlag.stderr()).toBe('error: --pages must be a whole number from 1 to 500, got "0"\nRun with --help for usage.\n');
    expect(await noKey.exited).toBe(2);
    expect(noKey.stderr()).toMatch(/^error: set TMDB_API_KEY/);
    expect(existsSync(join(cwd, 'x'))).toBe(false);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(/^error: GET http:\/\/127\.0\.0\.1:\d+\/3\/genre\/movie\/list\?language=en-US&api_key=\*\*\*: HTTP 401\n$/);
    expect(refused.stdout() + refused.stderr()).not.toContain(wrong);
  });

  it('exits 1 when no movie could be kept (every poster missing at a wrong --image-base)', async () => {
    const out = join(cwd, 'no-posters');
    const wrongBase = run(['--out', out, '--api-base', fake.apiBase, '--image-base', `${fake.imageBase}/nowhere`, '--from', '2010', '--to', '2010']);
    expect(await wrongBase.exited).toBe(1);
    expect(wrongBase.stdout()).toContain(`Done: ${out}/manifest.csv has 0 movies`);
    expect(wrongBase.stdout()).toContain('poster_unavailable 10');
    expect(wrongBase.stderr()).toMatch(/error: no movie was kept, so no dataset was written/);
  });

  it('resumes after being killed, keeping what was written and downloading nothing twice; never prints the key', async () => {
    const out = join(cwd, 'killed');
    const held = fake.hold('/t/p/w500/poster8.jpg');
    const first = run(['--out', out, ...against()]);
    await held.hit;
    // Page 1 is flushed to the manifest when it completes; page 2's other posters finish meanwhile.
    await page2PostersWritten(out);
    first.kill();
    expect(await first.exited).toBe(null);
    held.release();

    const written = parse(await readFile(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(written.map((row) => row.tmdb_id)).toEqual(['1', '2', '3', '4', '5']);
    const onDisk = (await readdir(join(out, 'posters'))).sort();
    expect(onDisk).toEqual(['1', '2', '3', '4', '5', '6', '7', '9', '10'].map((id) => `${id}.jpg`).sort());
    for (const f of onDisk) jpeg.decode(await readFile(join(out, 'posters', f)));

    const before = fake.requests.length;
    const second = run(['--out', out, ...against()]);
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain(`Done: ${out}/manifest.csv has 10 movies (5 new, 5 from an earlier run)`);
    expect(second.stdout()).toMatch(/per label: Action \d+, Animation \d+, Comedy \d+, Documentary \d+, Drama \d+, Horror \d+, Others \d+/);
    expect(second.stderr()).toContain('tmdb: 2010 page 2/2 | pages 2/2 | kept 5 | skipped 5');
    expect(second.stdout()).toContain('posters downloaded: 1, reused from disk: 4');
    const images = fake.requests.slice(before).filter((r) => r.path.startsWith('/t/p/'));
    expect(images.map((r) => r.path)).toEqual(['/t/p/w500/poster8.jpg']);
    const rows = parse(await readFile(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.tmdb_id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const manifest = await readFile(join(out, 'manifest.csv'), 'utf8');
    expect(first.stdout() + first.stderr() + second.stdout() + second.stderr() + manifest).not.toContain(KEY);
  });

  // A terminal's Ctrl-C signals npm, sh, tsx and the script at once (the foreground process group);
  // `script` gives the run a real pseudo-terminal, so this is that case and not a signal to one process.
  it('Ctrl-C in a terminal under npm run keeps every finished movie, prints the summary and exits 130', async () => {
    const out = join(cwd, 'ctrl-c');
    const held = fake.hold('/t/p/w500/poster8.jpg');
    const command = ['npm', 'run', 'data:tmdb', '--', '--out', out, ...against()].join(' ');
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? cwd, TERM: 'xterm', TMDB_API_KEY: KEY },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let screen = '';
    terminal.stdout.on('data', (d) => (screen += d));
    const exited = new Promise<number | null>((resolve) => terminal.once('exit', resolve));
    await held.hit;
    await page2PostersWritten(out);
    terminal.stdin.write('\x03');
    expect(await exited).toBe(130);
    held.release();

    expect(screen).toContain('Interrupted: saving what is done');
    expect(screen).toContain(`Interrupted: ${out}/manifest.csv has 9 movies (9 new, 0 from an earlier run)`);
    expect(screen).not.toContain(KEY);
    const rows = parse(await readFile(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.tmdb_id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '9', '10']);
  });
});
