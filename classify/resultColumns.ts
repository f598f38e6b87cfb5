import type { Answer, AnswerError } from '../src/shared/answer';

/** What a movie's row gets: its answer, or why it has none. */
export type MovieResult = { answer: Answer } | { error: AnswerError };

/** The columns the command adds to every row, after the input's own. */
export const RESULT_COLUMNS = ['genre', 'probability', 'genres', 'tmdb_genres', 'warnings', 'error'] as const;

/** The TMDB genres written: the most likely five (the answer ranks all 19). */
const TMDB_SHOWN = 5;

const scores = (list: { genre: string; probability: number }[]) => list.map((g) => `${g.genre}:${g.probability}`).join('|');

/** A result as the added columns: `genres` is all seven, `Drama:0.61|Comedy:0.22|…`; `warnings` the codes, `|`-separated. */
export function resultColumns(result: MovieResult): Record<(typeof RESULT_COLUMNS)[number], string> {
  if ('error' in result) return { genre: '', probability: '', genres: '', tmdb_genres: '', warnings: '', error: `${result.error.code}: ${result.error.message}` };
  const { answer } = result;
  return {
    genre: answer.top.genre,
    probability: String(answer.top.probability),
    genres: scores(answer.genres),
    tmdb_genres: scores(answer.tmdbGenres.slice(0, TMDB_SHOWN)),
    warnings: (answer.warnings ?? []).map((w) => w.code).join('|'),
    error: '',
  };
}
