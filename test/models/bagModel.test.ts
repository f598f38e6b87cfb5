import { describe, expect, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { trainBagModel, type SparseRow, type TrainingSet } from '../../models/train/bagModel';
import { seededRandom } from '../../models/data/random';

const INPUTS = 64;
const CONFIG = { dim: 8, dropout: 0, learningRate: 0.05, batchSize: 4, epochs: 3, patience: 3, tmdbWeight: 1, seed: 5 };

/** `n` random rows of a few features each, with random labels; `tmdb` gives each row's TMDB genres. */
function rows(n: number, seed: number, tmdb: (i: number) => number[]): TrainingSet {
  const random = seededRandom(seed);
  const pick = (k: number) => Math.floor(random() * k);
  const list: SparseRow[] = Array.from({ length: n }, () => {
    const first = pick(INPUTS - 2); // three distinct ids
    return { ids: Int32Array.from([first, first + 1, first + 2]), values: Float32Array.from([1, 0.5, 0.25]) };
  });
  return { rows: list, labels: Int32Array.from({ length: n }, (_, i) => i % GENRES.length), tmdbGenres: Array.from({ length: n }, (_, i) => tmdb(i)) };
}

const train = (set: TrainingSet) => trainBagModel(set, { rows: set.rows, labels: set.labels }, INPUTS, CONFIG, { name: 'test', score: () => 0 }).model;

describe('bag model', () => {
  it('learns no TMDB genres from rows that name none (a correction without them), but learns from rows that do', () => {
    const none = train(rows(40, 1, () => []));
    const otherNone = train(rows(40, 2, () => []));
    const named = train(rows(40, 1, (i) => [i % 19]));
    // Left as initialised (same seed): the rows said nothing about the TMDB genres.
    expect(none.tmdb.b).toEqual(otherNone.tmdb.b);
    expect(none.tmdb.w).toEqual(otherNone.tmdb.w);
    expect(named.tmdb.b).not.toEqual(none.tmdb.b);
    // The genre head learned in both.
    expect(none.genres.b).not.toEqual(otherNone.genres.b);
  });
});
