import { describe, expect, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { EVIDENCE_MAX, plotEvidence } from '../../src/shared/plotEvidence';
import { hashBucket, plotFeatures, plotWords } from '../../src/shared/plotFeatures';

const PARAMS = { buckets: 1 << 18, wordNgrams: [1, 2], charNgrams: [3], maxWords: 1000 };

describe('plot features (shared by training and serving)', () => {
  it('finds words as runs of letters and digits, normalised (lower case, no accents) but placed in the text as written', () => {
    const plot = "Élodie's HAUNTED house — 2049! 👻";
    const words = plotWords(plot);
    expect(words.map((w) => w.text)).toEqual(['elodie', 's', 'haunted', 'house', '2049']);
    for (const w of words) expect(plot.slice(w.start, w.end).normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase()).toBe(w.text);
    expect(plotWords('?! … 👻')).toEqual([]);
  });

  it('counts each word, word pair and character n-gram in its hash bucket', () => {
    const f = plotFeatures('A haunted house, a haunted man.', PARAMS);
    const count = (key: string) => f.counts[f.ids.indexOf(hashBucket(key, PARAMS.buckets))];
    expect(count('whaunted')).toBe(2);
    expect(count('whaunted house')).toBe(1);
    // Punctuation separates nothing: "house, a" is a word pair.
    expect(count('whouse a')).toBe(1);
    expect(count('c<ha')).toBe(2);
    expect([...f.ids]).toEqual([...f.ids].sort((a, b) => a - b));
    expect(new Set(f.ids).size).toBe(f.ids.length);
    expect(f.words).toEqual({ read: 6, total: 6 });
  });

  it('reads the first maxWords words and says how many there were', () => {
    const f = plotFeatures('one two three four five', { ...PARAMS, maxWords: 3 });
    expect(f.words).toEqual({ read: 3, total: 5 });
    expect(f.ids).toEqual(plotFeatures('one two three', PARAMS).ids);
  });

  it('is the same whatever the case and accents of the plot', () => {
    expect(plotFeatures('ÉLODIE FLEES', PARAMS)).toEqual(plotFeatures('elodie flees', PARAMS));
  });
});

describe('evidence', () => {
  const plot = 'A ghost haunts the old house; the ghost kills at night.';
  const features = plotFeatures(plot, PARAMS, { phrases: true });
  /** Evidence rows giving genre `top` a share of `weight` for each bucket of `keys`, 0 elsewhere. */
  const rows = (top: number, weights: Record<string, number>) => {
    const evidence = new Float32Array(features.ids.length * GENRES.length);
    for (const [key, weight] of Object.entries(weights)) evidence[features.ids.indexOf(hashBucket(key, PARAMS.buckets)) * GENRES.length + top] = weight;
    return evidence;
  };

  it('names the phrases that raised the top genre, as written in the plot, most weight first, adding up repeats', () => {
    const evidence = plotEvidence(plot, features, rows(5, { wghost: 1, 'wold house': 0.9, wnight: -2, 'wghost kills': 0.3 }), 5);
    expect(evidence).toEqual([
      { text: 'ghost', weight: 1 },
      { text: 'old house', weight: 0.9 },
      { text: 'ghost kills', weight: 0.3 },
    ]);
    expect(plotEvidence(plot, features, rows(5, { wghost: 1 }), 2)).toEqual([]);
  });

  it('leaves out a word inside a phrase already named, and keeps at most EVIDENCE_MAX', () => {
    const evidence = plotEvidence(plot, features, rows(0, { 'wold house': 2, wold: 1, whouse: 1, wkills: 0.5 }), 0);
    expect(evidence.map((e) => e.text)).toEqual(['old house', 'kills']);
    const many = Object.fromEntries(plotWords(plot).map((w, i) => [`w${w.text}`, 1 + i / 100]));
    expect(plotEvidence(plot, features, rows(0, many), 0)).toHaveLength(EVIDENCE_MAX);
  });
});
