import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { GENRES } from '../../src/shared/labels';
import { seededRandom, shuffle } from './random';

export const splitSchema = z.object({
  seed: z.number().int(),
  fractions: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  /** tmdb_ids per part, sorted. */
  train: z.array(z.number().int()),
  validation: z.array(z.number().int()),
  test: z.array(z.number().int()),
});
export type Split = z.infer<typeof splitSchema>;

export const DEFAULT_FRACTIONS = { train: 0.7, validation: 0.15, test: 0.15 };

/**
 * Stratified split: each label's ids, sorted then shuffled with the seed, are cut at the fractions,
 * so the result depends only on (ids, labels, seed), never on the row order of the CSV.
 */
export function stratifiedSplit(rows: { tmdbId: number; label: number }[], seed: number, fractions = DEFAULT_FRACTIONS): Split {
  const random = seededRandom(seed);
  const split: Split = { seed, fractions, train: [], validation: [], test: [] };
  for (let label = 0; label < GENRES.length; label++) {
    const ids = shuffle(rows.filter((r) => r.label === label).map((r) => r.tmdbId).sort((a, b) => a - b), random);
    const nTest = Math.round(ids.length * fractions.test);
    const nVal = Math.round(ids.length * fractions.validation);
    split.test.push(...ids.slice(0, nTest));
    split.validation.push(...ids.slice(nTest, nTest + nVal));
    split.train.push(...ids.slice(nTest + nVal));
  }
  for (const part of ['train', 'validation', 'test'] as const) split[part].sort((a, b) => a - b);
  return split;
}

export async function readSplit(path: string): Promise<Split> {
  return splitSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

export async function writeSplit(path: string, split: Split): Promise<void> {
  // One id list per line keeps the committed file small and its diffs readable.
  const lines = Object.entries(split).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  await writeFile(path, `{\n${lines.join(',\n')}\n}\n`);
}
