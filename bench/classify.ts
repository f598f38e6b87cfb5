/**
 * `npm run bench:classify`: throughput of `npm run classify` on the first BENCH_CLASSIFY_ROWS (default
 * 1,000) movies of the test split (plot + poster file), locally (onnxruntime-node, one thread) and against
 * `wrangler dev` with the models published into a fresh local state (--url, the command's default
 * concurrency), then the same file again against the same Worker, whose answers then come from its cache.
 * Prints a Markdown table; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { loadDataset } from '../models/data/dataset';
import { readSplit } from '../models/data/split';
import { ARTIFACTS_DIR, PROJECT_ROOT, sharedPaths } from '../models/paths';
import { publishedWorker } from './publishedWorker';

const ROWS = Number(process.env.BENCH_CLASSIFY_ROWS ?? 1000);

/** One run of the command; its own summary line says rows/s. */
async function classify(args: string[]): Promise<{ seconds: number; summary: string }> {
  const started = Date.now();
  const { stderr } = await promisify(execFile)(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['classify/cli.ts', ...args], { cwd: PROJECT_ROOT, maxBuffer: 64 << 20 });
  return { seconds: (Date.now() - started) / 1000, summary: stderr.trim().split('\n').at(-1)! };
}

const dir = await mkdtemp(join(tmpdir(), 'genre-bench-classify-'));
try {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const ids = new Set(split.test.slice(0, ROWS));
  const movies = (await loadDataset(sharedPaths().dataset)).filter((m) => ids.has(m.tmdbId));
  const csv = join(dir, 'catalogue.csv');
  await writeFile(csv, stringify([['tmdb_id', 'title', 'plot', 'poster'], ...movies.map((m) => [m.tmdbId, m.title, m.overview, m.posterPath])]));

  const rows: [string, { seconds: number; summary: string }][] = [];
  rows.push(['local (onnxruntime-node, 1 thread)', await classify([csv, '--out', join(dir, 'local.csv')])]);
  const worker = await publishedWorker();
  try {
    rows.push(['--url wrangler dev (onnxruntime-web WASM, workerd)', await classify([csv, '--out', join(dir, 'remote.csv'), '--url', worker.url])]);
    rows.push(['--url wrangler dev, the same movies again (cache hits)', await classify([csv, '--out', join(dir, 'again.csv'), '--url', worker.url])]);
  } finally {
    await worker.stop();
  }
  console.log(`\n${movies.length} movies of the test split (plot + poster file), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| run | wall time (command start to end) | movies/s | the command\'s summary |\n|---|---|---|---|');
  for (const [name, { seconds, summary }] of rows) console.log(`| ${name} | ${seconds.toFixed(1)} s | ${(movies.length / seconds).toFixed(1)} | ${summary} |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
