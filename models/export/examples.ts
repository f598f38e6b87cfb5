import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storedExamplesSchema, type StoredExample, type StoredExamples } from '../../src/shared/examples';
import { GENRES, type Genre } from '../../src/shared/labels';
import { loadDataset } from '../data/dataset';
import { seededRandom, shuffle } from '../data/random';
import { readSplit, stratifiedSplit } from '../data/split';
import { ARTIFACTS_DIR, sharedPaths } from '../paths';

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
const examplesPath = (artifactsDir: string) => join(artifactsDir, 'examples.json');

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
  const movies = await loadDataset(datasetDir);
  const byId = new Map(movies.map((m) => [m.tmdbId, m]));
  const splitPath = join(artifactsDir, 'split.json');
  const [testIds, source]: [number[], StoredExamples['source']] = existsSync(splitPath)
    ? [(await readSplit(splitPath)).test, 'test-split']
    : [stratifiedSplit(movies, PICK_SEED).test, 'seeded'];

  const examples: StoredExample[] = [];
  for (const genre of EXAMPLE_GENRES) {
    const label = GENRES.indexOf(genre);
    const candidates = testIds.filter((id) => byId.get(id)?.label === label).sort((a, b) => a - b);
    shuffle(candidates, seededRandom(PICK_SEED + label));
    for (const id of candidates) {
      const movie = byId.get(id)!;
      const plot = movie.overview;
      if (plot.length < PLOT_CHARS.min || plot.length > PLOT_CHARS.max || movie.year === null) continue;
      if (!(await isJpeg(movie.posterPath))) continue;
      examples.push({ id, title: movie.title.trim(), year: movie.year, genre, plot, posterKey: `examples/${id}.jpg` });
      break;
    }
  }
  return { source, examples };
}

/**
 * Pick the examples and write them to `examples.json` in the artifacts folder (small and generated), only
 * when they changed: the test setups of both vitest projects call this at the same time.
 */
export async function writeExamples(artifactsDir = ARTIFACTS_DIR, datasetDir = sharedPaths().dataset): Promise<void> {
  const text = `${JSON.stringify(await pickExamples(artifactsDir, datasetDir), null, 2)}\n`;
  const path = examplesPath(artifactsDir);
  if (existsSync(path) && (await readFile(path, 'utf8')) === text) return;
  await mkdir(artifactsDir, { recursive: true });
  await writeFile(path, text);
}

/**
 * Everything the web page reads from R2 besides the models, `{ key, path }` like `modelObjects()`: the
 * `examples.json` that writeExamples() wrote, each example's poster from its file in ../shared (never copied),
 * and the full evaluation report (`evaluation.json`, with the confusion matrices) when the pipeline wrote one.
 */
export async function siteObjects(artifactsDir = ARTIFACTS_DIR, datasetDir = sharedPaths().dataset): Promise<{ key: string; path: string }[]> {
  const { examples } = storedExamplesSchema.parse(JSON.parse(await readFile(examplesPath(artifactsDir), 'utf8')));
  const posterOf = new Map((await loadDataset(datasetDir)).map((m) => [m.tmdbId, m.posterPath]));
  const report = join(artifactsDir, 'evaluation.json');
  return [
    { key: 'examples.json', path: examplesPath(artifactsDir) },
    ...examples.map((e) => ({ key: e.posterKey, path: posterOf.get(e.id)! })),
    ...(existsSync(report) ? [{ key: 'evaluation.json', path: report }] : []),
  ];
}
