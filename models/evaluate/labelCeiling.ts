/**
 * `npx tsx models/cli/labelCeiling.ts`: how well the label can be told at all from what a movie is about.
 * The label is the class of TMDB's *first* genre, and TMDB's order is loosely kept (Comedy before
 * Drama in 71% of the movies with both). This scores an oracle that knows every TMDB genre of a test
 * movie, but not their order, and answers the class most often first for that set of genres in the train
 * split (class-weighted like the heads, and unweighted): a ceiling for any plot or poster classifier.
 */
import { join } from 'node:path';
import { GENRES, classOfGenre, genreIndex } from '../../src/shared/labels';
import { loadDataset, type Movie } from '../data/dataset';
import { readSplit } from '../data/split';
import { ARTIFACTS_DIR, sharedPaths } from '../paths';
import { computeMetrics } from './metrics';

const setKey = (movie: Movie) => [...movie.genres].sort().join('|');

function oracle(train: Movie[], weighted: boolean): (movie: Movie) => number {
  const perClass = GENRES.map((_, c) => train.filter((m) => m.label === c).length);
  const weight = perClass.map((n) => (weighted ? train.length / (GENRES.length * n) : 1));
  const bySet = new Map<string, number[]>();
  const firstRate = new Map<string, { first: number; seen: number }>();
  for (const movie of train) {
    const counts = bySet.get(setKey(movie)) ?? new Array<number>(GENRES.length).fill(0);
    counts[movie.label] += weight[movie.label];
    bySet.set(setKey(movie), counts);
    movie.genres.forEach((genre, i) => {
      const rate = firstRate.get(genre) ?? { first: 0, seen: 0 };
      rate.seen++;
      if (i === 0) rate.first++;
      firstRate.set(genre, rate);
    });
  }
  return (movie) => {
    const counts = bySet.get(setKey(movie));
    if (counts) return counts.indexOf(Math.max(...counts));
    // A set of genres no train movie has: the genre most often listed first, weighted by its class.
    const score = (genre: string) => {
      const rate = firstRate.get(genre) ?? { first: 0, seen: 1 };
      return (rate.first / rate.seen) * weight[genreIndex(classOfGenre(genre))];
    };
    const best = movie.genres.reduce((a, b) => (score(b) > score(a) ? b : a), movie.genres[0] ?? 'Others');
    return genreIndex(classOfGenre(best));
  };
}

/** The oracle's figures on the test split of the committed models, both weightings. */
export async function labelCeiling(): Promise<string[]> {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const movies = new Map((await loadDataset(sharedPaths().dataset)).map((m) => [m.tmdbId, m]));
  const part = (ids: number[]) => ids.map((id) => movies.get(id)).filter((m): m is Movie => m !== undefined);
  const [train, test] = [part(split.train), part(split.test)];
  return [true, false].map((weighted) => {
    const guess = oracle(train, weighted);
    const m = computeMetrics(test.map((movie) => movie.label), test.map(guess));
    const recalls = GENRES.map((g) => `${g} ${m.perClass[g].recall.toFixed(2)}`).join(', ');
    return (
      `${weighted ? 'class-weighted' : 'unweighted'} oracle on the ${test.length} test movies: balanced accuracy ${m.balancedAccuracy.toFixed(3)}, ` +
      `accuracy ${m.accuracy.toFixed(3)}, macro-F1 ${m.macroF1.toFixed(3)}; recall ${recalls}`
    );
  });
}
