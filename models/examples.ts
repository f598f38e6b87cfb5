import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { GENRES, type Genre } from '../src/shared/labels';
import { PROJECT_ROOT, sharedPaths } from './paths';
import { seededRandom, shuffle } from './random';
import { readSplit, stratifiedSplit } from './split';

/**
 * The web page's example movies: one test-split movie per named genre, picked deterministically,
 * published to R2 as `examples.json` plus `examples/<tmdb_id>.jpg` (uploaded from ../shared, never
 * copied into the repository).
 */

/** Genres with an example; "Others" is a mix of 13 TMDB genres and makes a poor showcase. */
export const EXAMPLE_GENRES: readonly Genre[] = GENRES.filter((g) => g !== 'Others');
const PICK_SEED = 20_261_124;
/** Plots that fit the form without scrolling, and long enough to say something. */
const PLOT_CHARS = { min: 150, max: 600 };

/** One example in `examples.json`; GET /examples (src/routes/site.ts) validates this shape. */
export interface StoredExample {
  id: number;
  title: string;
  year: number | null;
  /** The dataset's label. */
  genre: Genre;
  plot: string;
  /** R2 key of the poster: `examples/<tmdb_id>.jpg`. */
  posterKey: string;
}

export interface StoredExamples {
  /** Where the movies come from: the pipeline's test split, or a seeded stratified pick when split.json is absent. */
  source: 'test-split' | 'seeded';
  examples: StoredExample[];
}

interface Row {
  tmdb_id: string;
  title: string;
  year: string;
  overview: string;
  label: string;
  poster: string;
}

async function isJpeg(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(3), 0, 3, 0);
    const { size } = await handle.stat();
    return bytesRead === 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff && size > 2_000 && size < 1_000_000;
  } finally {
    await handle.close();
  }
}

/**
 * Pick the examples: from the pipeline's test split (`split.json` in the artifacts folder) when it
 * exists, else from a stratified split made here with a fixed seed. Same inputs, same picks.
 */
export async function pickExamples(artifactsDir: string, datasetDir = sharedPaths().dataset): Promise<StoredExamples> {
  const rows: Row[] = parse(await readFile(join(datasetDir, 'manifest.csv'), 'utf8'), { columns: true, skip_empty_lines: true });
  const byId = new Map(rows.map((r) => [Number(r.tmdb_id), r]));
  const splitPath = join(artifactsDir, 'split.json');
  let testIds: number[];
  let source: StoredExamples['source'];
  if (existsSync(splitPath)) {
    testIds = (await readSplit(splitPath)).test;
    source = 'test-split';
  } else {
    const labelled = rows.map((r) => ({ tmdbId: Number(r.tmdb_id), label: GENRES.indexOf(r.label as Genre) }));
    testIds = stratifiedSplit(labelled, PICK_SEED).test;
    source = 'seeded';
  }

  const examples: StoredExample[] = [];
  for (const genre of EXAMPLE_GENRES) {
    const candidates = testIds.filter((id) => byId.get(id)?.label === genre).sort((a, b) => a - b);
    shuffle(candidates, seededRandom(PICK_SEED + GENRES.indexOf(genre)));
    for (const id of candidates) {
      const row = byId.get(id)!;
      const plot = row.overview.trim();
      const year = Number.parseInt(row.year, 10);
      if (plot.length < PLOT_CHARS.min || plot.length > PLOT_CHARS.max || !Number.isFinite(year)) continue;
      if (!(await isJpeg(join(datasetDir, row.poster || `posters/${id}.jpg`)))) continue;
      examples.push({ id, title: row.title.trim(), year, genre, plot, posterKey: `examples/${id}.jpg` });
      break;
    }
  }
  return { source, examples };
}

/**
 * R2 objects of the examples, `{ key, path }` like `modelObjects()`: writes `examples.json` into the
 * artifacts folder (it is small and generated) and points each poster key at its file in ../shared.
 */
export async function exampleObjects(artifactsDir = join(PROJECT_ROOT, 'models', 'artifacts'), datasetDir = sharedPaths().dataset): Promise<{ key: string; path: string }[]> {
  const picked = await pickExamples(artifactsDir, datasetDir);
  const jsonPath = join(artifactsDir, 'examples.json');
  await mkdir(artifactsDir, { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(picked, null, 2)}\n`);
  const rows: Row[] = parse(await readFile(join(datasetDir, 'manifest.csv'), 'utf8'), { columns: true, skip_empty_lines: true });
  const posterOf = new Map(rows.map((r) => [Number(r.tmdb_id), r.poster || `posters/${r.tmdb_id}.jpg`]));
  return [
    { key: 'examples.json', path: jsonPath },
    ...picked.examples.map((e) => ({ key: e.posterKey, path: join(datasetDir, posterOf.get(e.id)!) })),
  ];
}

/**
 * Everything the web page reads from R2 besides the models: the examples, and the full evaluation
 * report (`evaluation.json`, with the confusion matrices) when the pipeline wrote one.
 */
export async function siteObjects(artifactsDir = join(PROJECT_ROOT, 'models', 'artifacts'), datasetDir = sharedPaths().dataset): Promise<{ key: string; path: string }[]> {
  const objects = await exampleObjects(artifactsDir, datasetDir);
  const report = join(artifactsDir, 'evaluation.json');
  return existsSync(report) ? [...objects, { key: 'evaluation.json', path: report }] : objects;
}

// `tsx models/examples.ts`: write examples.json and list the objects.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const objects = await siteObjects();
  for (const o of objects) console.log(`${o.key.padEnd(24)} <- ${o.path}`);
}
