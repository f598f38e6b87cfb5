import { GENRES, TMDB_GENRES } from '../../src/shared/labels';

const OTHERS = GENRES.indexOf('Others');
/** The 13 TMDB genres that make up Others. */
export const OTHERS_GENRES = TMDB_GENRES.flatMap((g, i) => ((GENRES as readonly string[]).includes(g) ? [] : [i]));

/**
 * On movies labelled Others: how often the three most probable of the 13 genres merged into Others hold
 * one of the movie's own TMDB genres (what "Others - most likely Thriller, Crime" promises).
 */
export function othersTop3(tmdbProbs: ArrayLike<number>[], tmdbGenres: number[][], labels: ArrayLike<number>): { movies: number; hitRate: number } {
  let movies = 0;
  let hits = 0;
  for (let r = 0; r < tmdbProbs.length; r++) {
    if (labels[r] !== OTHERS) continue;
    movies++;
    const top = [...OTHERS_GENRES].sort((a, b) => tmdbProbs[r][b] - tmdbProbs[r][a]).slice(0, 3);
    if (top.some((g) => tmdbGenres[r].includes(g))) hits++;
  }
  return { movies, hitRate: movies ? Math.round((hits / movies) * 10000) / 10000 : 0 };
}
