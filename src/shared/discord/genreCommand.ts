import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { LIMITS, POSTER_DECODE_LIMITS } from '../limits';
import { overPixelLimits } from '../imageDecode';
import { hasWord, plotLength } from '../plotText';

// Shared by the discord.js bot and the Worker's /interactions route. Plain JSON typed with
// discord-api-types (type imports only): its runtime enums would add ~90 KB to the Worker bundle,
// so option and interaction types are written as numbers that the types check.

/** Poster formats the classifier decodes (src/shared/imageDecode.ts), by the content type Discord reports. */
export const POSTER_FORMATS: Readonly<Record<string, string>> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/bmp': 'BMP' };

const formatNames = Object.values(POSTER_FORMATS);
/** "JPEG, PNG, WebP or BMP" */
export const POSTER_FORMAT_LIST = `${formatNames.slice(0, -1).join(', ')} or ${formatNames.at(-1)}`;

export const genreCommand = {
  name: 'genre',
  description: 'Guess the genre of a movie from its plot, its poster, or both',
  options: [
    {
      type: 3, // String
      name: 'plot',
      description: `What happens in the movie (up to ${LIMITS.plotMaxChars} characters)`,
      required: false,
      min_length: 1,
      max_length: LIMITS.plotMaxChars,
    },
    {
      type: 11, // Attachment; Discord cannot restrict it to images, so handlers check content_type
      name: 'poster',
      description: `The poster: a ${POSTER_FORMAT_LIST} image`,
      required: false,
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export interface PosterAttachment {
  url: string;
  filename: string;
  size: number;
  contentType?: string | null;
  /** Pixel size, which Discord reports for images. */
  width?: number | null;
  height?: number | null;
}

export interface GenreRequest {
  plot?: string;
  poster?: PosterAttachment;
}

/** Why a /genre invocation cannot be classified; rendered by `problemMessage` in genreReply.ts. */
export type GenreProblem =
  | { kind: 'missing_input' }
  | { kind: 'plot_too_long'; length: number }
  /** Punctuation or emoji only: the API refuses it (invalid_plot). */
  | { kind: 'plot_no_words' }
  | { kind: 'not_image'; filename: string; contentType?: string | null }
  | { kind: 'poster_too_large'; size: number }
  | { kind: 'poster_too_many_pixels'; width: number; height: number }
  | { kind: 'poster_download'; detail: string }
  | { kind: 'predict_rejected'; detail: string }
  | { kind: 'predict_unavailable' }
  /** The classifier refused the bot itself (URL, token): nothing the user can change. */
  | { kind: 'predict_misconfigured' }
  | { kind: 'predict_timeout'; seconds: number };

/**
 * Checks made before deferring, so that their answer can be an immediate ephemeral message: the API's own
 * plot rule (length, a word) and what Discord tells of the attachment. A blank plot counts as absent.
 */
export function checkGenreRequest(request: GenreRequest): { ok: true; plot?: string; poster?: PosterAttachment } | { ok: false; problem: GenreProblem } {
  const plot = request.plot?.trim() || undefined;
  const { poster } = request;
  if (plot === undefined && poster === undefined) return { ok: false, problem: { kind: 'missing_input' } };
  if (plot !== undefined && plotLength(plot) > LIMITS.plotMaxChars) return { ok: false, problem: { kind: 'plot_too_long', length: plotLength(plot) } };
  if (plot !== undefined && !hasWord(plot)) return { ok: false, problem: { kind: 'plot_no_words' } };
  if (poster) {
    const type = poster.contentType?.split(';')[0].trim().toLowerCase();
    if (type === undefined || !(type in POSTER_FORMATS)) {
      return { ok: false, problem: { kind: 'not_image', filename: poster.filename, contentType: poster.contentType } };
    }
    if (poster.size > LIMITS.posterMaxBytes) return { ok: false, problem: { kind: 'poster_too_large', size: poster.size } };
    const { width, height } = poster;
    if (width && height && overPixelLimits(width, height, POSTER_DECODE_LIMITS)) {
      return { ok: false, problem: { kind: 'poster_too_many_pixels', width, height } };
    }
  }
  return { ok: true, plot, poster };
}
