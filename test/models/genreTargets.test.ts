import { describe, expect, it } from 'vitest';
import { GENRES, genreIndex, labelFromGenres } from '../../src/shared/labels';
import { loadDataset } from '../../models/dataset';
import { genreTargets, oneHot } from '../../models/genreTargets';
import { sharedPaths } from '../../models/paths';
import { balancedLoss } from '../../models/training';

const g = (name: string) => genreIndex(name);
const dist = (entries: Record<string, number>) => Float32Array.from(GENRES, (name) => entries[name] ?? 0);

describe('soft training targets from all of a movie genres', () => {
  it('weighs the label 1 and the k-th further genre w^k, normalised', () => {
    expect(genreTargets(g('Drama'), ['Drama', 'Romance'], 0.5)).toEqual(dist({ Drama: 2 / 3, Others: 1 / 3 }));
    // Crime|Drama|Thriller: Others 1 + 0.25 (Thriller), Drama 0.5.
    const target = genreTargets(g('Others'), ['Crime', 'Drama', 'Thriller'], 0.5);
    expect(target[g('Others')]).toBeCloseTo(1.25 / 1.75, 6);
    expect(target[g('Drama')]).toBeCloseTo(0.5 / 1.75, 6);
  });

  it('is the one-hot label with weight 0, or when the genres are unknown', () => {
    expect(genreTargets(g('Horror'), ['Horror', 'Comedy'], 0)).toEqual(oneHot(g('Horror')));
    expect(genreTargets(g('Comedy'), [], 0.5)).toEqual(oneHot(g('Comedy')));
  });

  it('the shared dataset labels are the class of the first genre, which the targets build on', async () => {
    const movies = await loadDataset(sharedPaths().dataset);
    expect(movies.filter((m) => genreIndex(labelFromGenres(m.genres)) !== m.label)).toEqual([]);
    expect(movies.filter((m) => m.genres.length > 1).length).toBeGreaterThan(movies.length / 2);
  });
});

describe('class-balanced loss on soft targets', () => {
  it('gives one-hot labels the inverse class frequency as row weight (mean 1)', () => {
    const { labels, weights } = balancedLoss([0, 0, 0, 1].map(oneHot));
    expect(labels).toEqual([0, 0, 0, 1].map(oneHot));
    // Two classes present of seven: 4 / (7 * 3) and 4 / (7 * 1).
    expect(weights.map((w) => w.toFixed(4))).toEqual(['0.1905', '0.1905', '0.1905', '0.5714']);
  });

  it('splits each row into a distribution and a weight whose product has equal mass per class', () => {
    const targets = [dist({ Drama: 2 / 3, Others: 1 / 3 }), oneHot(g('Drama')), oneHot(g('Horror'))];
    const { labels, weights } = balancedLoss(targets);
    for (const row of labels) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const mass = new Array<number>(GENRES.length).fill(0);
    labels.forEach((row, i) => row.forEach((v, c) => (mass[c] += v * weights[i])));
    for (const c of ['Drama', 'Horror', 'Others']) expect(mass[g(c)]).toBeCloseTo(targets.length / GENRES.length, 6);
  });
});
