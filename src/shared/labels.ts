/** The seven classes, in the fixed order every model output and report uses. */
export const GENRES = ['Action', 'Animation', 'Comedy', 'Documentary', 'Drama', 'Horror', 'Others'] as const;

export type Genre = (typeof GENRES)[number];

/** TMDB's 19 movie genres, in the fixed order of the models' `tmdb` outputs; 13 of them make up Others. */
export const TMDB_GENRES = [
  'Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Family', 'Fantasy', 'History',
  'Horror', 'Music', 'Mystery', 'Romance', 'Science Fiction', 'TV Movie', 'Thriller', 'War', 'Western',
] as const;

export type TmdbGenre = (typeof TMDB_GENRES)[number];

/** Indexes into TMDB_GENRES of a movie's genres, in its order; names outside the 19 (a retired id such as 10769) are left out. */
export const tmdbGenreIndexes = (names: readonly string[]): number[] =>
  names.map((n) => (TMDB_GENRES as readonly string[]).indexOf(n)).filter((i) => i >= 0);

const NAMED = new Set<string>(GENRES.filter((g) => g !== 'Others'));

/** The class a TMDB genre belongs to: itself if it is one of the six named classes, else Others. */
export const classOfGenre = (tmdbGenre: string): Genre => (NAMED.has(tmdbGenre) ? (tmdbGenre as Genre) : 'Others');

/** Same rule as the dataset: the class of TMDB's first genre. */
export function labelFromGenres(tmdbGenres: readonly string[]): Genre {
  return tmdbGenres.length > 0 ? classOfGenre(tmdbGenres[0]) : 'Others';
}

export function genreIndex(genre: string): number {
  const i = (GENRES as readonly string[]).indexOf(genre);
  if (i < 0) throw new Error(`unknown genre label "${genre}"`);
  return i;
}
