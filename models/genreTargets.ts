import { GENRES, classOfGenre, genreIndex } from '../src/shared/labels';

/** The one-hot distribution of a label (index into GENRES). */
export const oneHot = (label: number): Float32Array => {
  const target = new Float32Array(GENRES.length);
  target[label] = 1;
  return target;
};

/**
 * A movie's training target: a distribution over the seven classes instead of its one label. The
 * label (the class of TMDB's first genre) weighs 1, the class of the k-th further genre
 * `secondaryWeight`^k, then the whole is normalised; 0 gives the one-hot label. "Drama|Romance" with 0.5
 * is Drama 2/3, Others 1/3. A movie's other genres say what its plot and poster also look like, which
 * a first-genre label alone throws away.
 */
export function genreTargets(label: number, genres: readonly string[], secondaryWeight: number): Float32Array {
  const target = oneHot(label);
  genres.slice(1).forEach((genre, k) => (target[genreIndex(classOfGenre(genre))] += secondaryWeight ** (k + 1)));
  const total = target.reduce((a, b) => a + b, 0);
  return target.map((v) => v / total);
}
