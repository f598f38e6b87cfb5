import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { loadDataset } from '../../models/data/dataset';
import { readSplit, stratifiedSplit } from '../../models/data/split';
import { ARTIFACTS_DIR, sharedPaths } from '../../models/paths';

const rows = Array.from({ length: 700 }, (_, i) => ({ tmdbId: 1000 + i * 7, label: i % GENRES.length }));

describe('stratifiedSplit', () => {
  it('is deterministic and independent of row order', () => {
    const a = stratifiedSplit(rows, 7);
    expect(stratifiedSplit(rows, 7)).toEqual(a);
    expect(stratifiedSplit([...rows].reverse(), 7)).toEqual(a);
    expect(stratifiedSplit(rows, 8)).not.toEqual(a);
  });

  it('covers every id once, with each label in proportion', () => {
    const split = stratifiedSplit(rows, 7);
    const all = [...split.train, ...split.validation, ...split.test];
    expect(new Set(all).size).toBe(rows.length);
    const labelOf = new Map(rows.map((r) => [r.tmdbId, r.label]));
    for (let label = 0; label < GENRES.length; label++) {
      expect(split.test.filter((id) => labelOf.get(id) === label)).toHaveLength(15);
      expect(split.validation.filter((id) => labelOf.get(id) === label)).toHaveLength(15);
    }
  });

  it('the committed split.json is what the seed gives on the shared dataset', async () => {
    const committed = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
    const movies = await loadDataset(sharedPaths().dataset);
    expect(stratifiedSplit(movies, committed.seed, committed.fractions)).toEqual(committed);
  });
});
