import { ApiError } from '../apiError';
import { sha256Hex } from '../digest';
import type { Env } from '../env';
import { inputProblem } from '../shared/answer';
import { probeWithinLimits } from '../shared/imageDecode';
import { ImageInputError } from '../shared/imageError';
import type { Genre, TmdbGenre } from '../shared/labels';
import { POSTER_DECODE_LIMITS } from '../shared/limits';

/** A correction as POST /feedback and the Discord menus give it, the poster already as bytes. */
export interface Correction {
  plot?: string;
  poster?: Uint8Array;
  predicted: Genre;
  genre: Genre;
  tmdbGenres?: TmdbGenre[];
  comment?: string;
  modelVersion: string;
}

export type FeedbackEnv = Pick<Env, 'DB' | 'FEEDBACK'>;

/** Where a poster of the corrections is kept in the FEEDBACK bucket: its bytes' sha256, so a poster sent twice is stored once. */
export const posterKey = (sha256: string) => `posters/${sha256}`;

/** A poster worth keeping: an image the classifier would read, refused as /predict refuses it (only the header is read). */
function checkedPoster(bytes: Uint8Array): { format: string } {
  try {
    return probeWithinLimits(bytes, POSTER_DECODE_LIMITS);
  } catch (err) {
    if (err instanceof ImageInputError) throw new ApiError(err.code === 'image_too_large' ? 413 : 400, err.code, err.message);
    throw err;
  }
}

/** Store a correction: the poster in R2 under its sha256, the row in D1. Its id. */
export async function storeCorrection(env: FeedbackEnv, correction: Correction): Promise<number> {
  const problem = inputProblem(correction);
  if (problem) throw new ApiError(400, problem.code, problem.message);
  let posterSha256: string | null = null;
  if (correction.poster) {
    const { format } = checkedPoster(correction.poster);
    posterSha256 = await sha256Hex(correction.poster);
    const key = posterKey(posterSha256);
    if (!(await env.FEEDBACK.head(key))) await env.FEEDBACK.put(key, correction.poster, { httpMetadata: { contentType: `image/${format}` } });
  }
  const row = await env.DB.prepare(
    `INSERT INTO feedback (created_at, plot, poster_sha256, predicted, genre, tmdb_genres, comment, model_version)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id`,
  )
    .bind(
      new Date().toISOString(),
      correction.plot ?? null,
      posterSha256,
      correction.predicted,
      correction.genre,
      correction.tmdbGenres ? JSON.stringify(correction.tmdbGenres) : null,
      correction.comment || null,
      correction.modelVersion,
    )
    .first<{ id: number }>();
  return row!.id;
}
