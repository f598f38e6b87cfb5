/** The seven classes, in the fixed order every model output and report uses. */
export const GENRES = ['Action', 'Animation', 'Comedy', 'Documentary', 'Drama', 'Horror', 'Others'] as const;

export type Genre = (typeof GENRES)[number];

const NAMED = new Set<string>(GENRES.filter((g) => g !== 'Others'));

/** Same rule as the dataset: TMDB's first genre if it is one of the six named classes, else Others. */
export function labelFromGenres(tmdbGenres: readonly string[]): Genre {
  const first = tmdbGenres[0];
  return first !== undefined && NAMED.has(first) ? (first as Genre) : 'Others';
}

export function genreIndex(genre: string): number {
  const i = (GENRES as readonly string[]).indexOf(genre);
  if (i < 0) throw new Error(`unknown genre label "${genre}"`);
  return i;
}
