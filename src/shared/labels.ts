/** The seven classes, in the fixed order every model output and report uses. */
export const GENRES = ['Action', 'Animation', 'Comedy', 'Documentary', 'Drama', 'Horror', 'Others'] as const;

export type Genre = (typeof GENRES)[number];

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
