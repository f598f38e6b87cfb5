import { z } from '@hono/zod-openapi';
import { LIMITS } from './limits';
import { GENRES, TMDB_GENRES } from './labels';
import { plotLength } from './plotText';

// The HTTP API's bodies as zod schemas: the Worker validates requests and documents its answers with them
// (OpenAPI); the gateway bot and the tests check the answers against them.

const plot = z
  .string()
  // Multipart sends every line break as CRLF: the model reads one "\n", as the user's text box holds.
  .overwrite((s) => s.replace(/\r\n?/g, '\n'))
  .trim()
  .min(1, 'plot is empty')
  .refine((s) => plotLength(s) <= LIMITS.plotMaxChars, `plot is longer than ${LIMITS.plotMaxChars} characters`)
  .openapi({
    description: `Plot description, 1-${LIMITS.plotMaxChars} characters (code points), with at least one letter or digit`,
    maxLength: LIMITS.plotMaxChars,
    example: 'A retired hitman is pulled back in for one last job.',
  });

export const predictJsonBody = z
  .object({
    plot: plot.optional(),
    poster: z.string().optional().openapi({ description: `Poster image (JPEG, PNG, WebP or BMP) as base64 or a data: URL; at most ${LIMITS.posterMaxBytes} bytes decoded` }),
    posterUrl: z.string().optional().openapi({ description: 'URL of the poster on an allow-listed origin (POSTER_URL_HOSTS: https on the default port unless another scheme or port is listed)' }),
  })
  .strict()
  .refine((b) => !(b.poster && b.posterUrl), { message: 'send either poster or posterUrl, not both' })
  .openapi('PredictJson');

export const predictFormBody = z
  .object({
    plot: plot.optional(),
    poster: z
      // A form with no file chosen still sends the field, with no file name and no bytes (which workerd reads as
      // the string ""): no poster.
      .preprocess((v) => (v === '' ? undefined : v), z.instanceof(File, { message: 'poster must be a file upload' }).optional())
      .openapi({ type: 'string', format: 'binary', description: `Poster image file, at most ${LIMITS.posterMaxBytes} bytes (multipart/form-data only)` }),
  })
  .strict()
  .openapi('PredictForm');

const rankedGenre = z.object({ genre: z.enum(GENRES), probability: z.number().min(0).max(1) });
const rankedTmdbGenre = z.object({ genre: z.enum(TMDB_GENRES), probability: z.number().min(0).max(1) });
const evidence = z.object({
  text: z.string().openapi({ description: 'A word or phrase of the plot, as written there' }),
  weight: z.number().positive().openapi({ description: "How much it raised the top genre's score (a logit share)" }),
});

export const predictResponse = z
  .object({
    genres: z.array(rankedGenre).length(GENRES.length).openapi({ description: 'All genres, most probable first; probabilities sum to 1' }),
    top: rankedGenre,
    modalities: z.array(z.enum(['plot', 'poster'])),
    modelVersion: z.string(),
    tmdbGenres: z.array(rankedTmdbGenre).length(TMDB_GENRES.length).openapi({
      description: "TMDB's 19 genres, most probable first; each probability is independent (a movie has several), they do not sum to 1",
    }),
    evidence: z
      .object({ plot: z.array(evidence) })
      .optional()
      .openapi({ description: 'With a plot: the words or phrases that raised the top genre most, most weight first' }),
    plotWords: z
      .object({ read: z.number().int(), total: z.number().int() })
      .optional()
      .openapi({ description: 'With a plot: words the model read (the first 1,000) and the plot had; read < total means the end was not used' }),
    timings: z.object({
      loadMs: z.number(),
      decodeMs: z.number(),
      modelMs: z.number(),
      totalMs: z.number(),
    }),
  })
  .openapi('Prediction');

export type Prediction = z.infer<typeof predictResponse>;

export const errorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorResponse>;

export const healthResponse = z
  .object({
    status: z.literal('ok'),
    models: z.object({ loaded: z.boolean(), version: z.string().optional(), loads: z.number(), loadMs: z.number().optional() }),
    wasmHeapBytes: z.number().optional(),
  })
  .openapi('Health');

export const genresResponse = z.object({ genres: z.array(z.enum(GENRES)) }).openapi('Genres');
