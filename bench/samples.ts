import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '../models/data/dataset';
import { readSplit } from '../models/data/split';
import { ARTIFACTS_DIR, sharedPaths } from '../models/paths';

export interface Sample {
  plot: string;
  poster: Uint8Array<ArrayBuffer>;
}

/** The first `n` movies of the committed test split, with their plots and poster bytes from ../shared. */
export async function testSamples(n: number): Promise<Sample[]> {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const ids = new Set(split.test.slice(0, n));
  const movies = (await loadDataset(sharedPaths().dataset)).filter((m) => ids.has(m.tmdbId));
  return Promise.all(movies.map(async (m) => ({ plot: m.overview, poster: new Uint8Array(await readFile(m.posterPath)) as Uint8Array<ArrayBuffer> })));
}
