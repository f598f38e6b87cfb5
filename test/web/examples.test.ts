import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_GENRES, pickExamples, siteObjects, writeExamples } from '../../models/export/examples';
import { sharedPaths } from '../../models/paths';
import { stratifiedSplit, writeSplit } from '../../models/data/split';
import { GENRES } from '../../src/shared/labels';

/** The web page's example movies: picked from the test split, one per named genre, same every time. */

const dataset = sharedPaths().dataset;
let rows: { tmdb_id: string; overview: string; label: string; title: string }[];
let dir: string;

beforeAll(async () => {
  rows = parse(await readFile(join(dataset, 'manifest.csv'), 'utf8'), { columns: true, skip_empty_lines: true });
  dir = await mkdtemp(join(tmpdir(), 'examples-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('examples for the web page', () => {
  it('picks one test-split movie per named genre from split.json, deterministically', async () => {
    const labelled = rows.map((r) => ({ tmdbId: Number(r.tmdb_id), label: GENRES.indexOf(r.label as (typeof GENRES)[number]) }));
    const split = stratifiedSplit(labelled, 7);
    await writeSplit(join(dir, 'split.json'), split);
    const test = new Set(split.test);

    const picked = await pickExamples(dir, dataset);
    expect(picked.source).toBe('test-split');
    expect(picked.examples.map((e) => e.genre)).toEqual([...EXAMPLE_GENRES]);
    const byId = new Map(rows.map((r) => [Number(r.tmdb_id), r]));
    for (const e of picked.examples) {
      expect(test.has(e.id), `${e.id} is in the test split`).toBe(true);
      expect(byId.get(e.id)?.label).toBe(e.genre);
      expect(e.plot).toBe(byId.get(e.id)?.overview.trim());
      expect(e.posterKey).toBe(`examples/${e.id}.jpg`);
    }
    expect(await pickExamples(dir, dataset)).toEqual(picked);
  });

  it('publishes examples.json and the posters from ../shared; the evaluation report only once the pipeline wrote one', async () => {
    await writeExamples(dir, dataset);
    const objects = await siteObjects(dir, dataset);
    const json = JSON.parse(await readFile(join(dir, 'examples.json'), 'utf8'));
    expect(objects[0]).toEqual({ key: 'examples.json', path: join(dir, 'examples.json') });
    expect(objects.slice(1).map((o) => o.key)).toEqual(json.examples.map((e: { posterKey: string }) => e.posterKey));
    for (const o of objects.slice(1)) {
      expect(o.path.startsWith(dataset)).toBe(true);
      expect(existsSync(o.path)).toBe(true);
    }
    expect(objects.map((o) => o.key)).not.toContain('evaluation.json');
  });

  it('falls back to a seeded pick when the pipeline wrote no split', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'examples-nosplit-'));
    try {
      const picked = await pickExamples(empty, dataset);
      expect(picked.source).toBe('seeded');
      expect(picked.examples).toHaveLength(EXAMPLE_GENRES.length);
      expect(await pickExamples(empty, dataset)).toEqual(picked);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
