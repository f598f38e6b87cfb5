import { existsSync } from 'node:fs';
import { loadDataset, type Movie } from './dataset';

// Extra training rows (`npm run train -- --extra DIR`, e.g. the folder `npm run feedback:export` writes): folders
// in the shared format whose rows join the training split only, never validation or test.

/** The rows of every extra folder; a tmdb_id in two of them is refused, as within one folder. */
export async function loadExtraRows(dirs: readonly string[]): Promise<Movie[]> {
  const folderOf = new Map<number, string>();
  const rows: Movie[] = [];
  for (const dir of dirs) {
    for (const movie of await loadDataset(dir)) {
      const other = folderOf.get(movie.tmdbId);
      if (other !== undefined) throw new Error(`${dir}: tmdb_id ${movie.tmdbId} is also in ${other}`);
      folderOf.set(movie.tmdbId, dir);
      rows.push(movie);
    }
  }
  return rows;
}

/** A row is a poster row when its poster file exists: a correction sent with a plot alone has none. */
export const hasPosterFile = (movie: Movie) => existsSync(movie.posterPath);

/**
 * The extra rows that are not a movie of the dataset: not its tmdb_id, its plot or its poster (by sha256). A
 * correction sent for one of the page's examples, which come from the test split, must not train the model
 * that test evaluates.
 */
export function unseenRows(rows: Movie[], dataset: Movie[], posterSha: ReadonlyMap<number, string>): { kept: Movie[]; leftOut: number[] } {
  const ids = new Set(dataset.map((m) => m.tmdbId));
  const plots = new Set(dataset.map((m) => m.overview.toLowerCase()).filter(Boolean));
  const posters = new Set(dataset.flatMap((m) => posterSha.get(m.tmdbId) ?? []));
  const seen = (m: Movie) => {
    const sha = posterSha.get(m.tmdbId);
    return ids.has(m.tmdbId) || plots.has(m.overview.toLowerCase()) || (sha !== undefined && posters.has(sha));
  };
  return { kept: rows.filter((m) => !seen(m)), leftOut: rows.filter(seen).map((m) => m.tmdbId) };
}
