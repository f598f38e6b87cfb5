import { z } from '@hono/zod-openapi';
import { LIMITS } from './limits';
import { GENRES, TMDB_GENRES } from './labels';
import { WARNING_CODES } from './answerWarnings';
import { plotLength } from './plotText';

// The HTTP API's bodies as zod schemas: the Worker validates requests and documents its answers with them
// (OpenAPI); the gateway bot and the tests check the answers against them.

/** A plot as the API takes it (line breaks as LF, trimmed, within the length limit). */
export const plotField = z
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

const predictJsonFields = {
  plot: plotField.optional(),
  poster: z.string().optional().openapi({ description: `Poster image (JPEG, PNG, WebP or BMP) as base64 or a data: URL; at most ${LIMITS.posterMaxBytes} bytes decoded` }),
  posterUrl: z.string().optional().openapi({ description: 'URL of the poster on an allow-listed origin (POSTER_URL_HOSTS: https on the default port unless another scheme or port is listed)' }),
};
const onePoster = { message: 'send either poster or posterUrl, not both' };

export const predictJsonBody = z
  .object(predictJsonFields)
  .strict()
  .refine((b) => !(b.poster && b.posterUrl), onePoster)
  .openapi('PredictJson');

export const predictFormBody = z
  .object({
    plot: plotField.optional(),
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
    warnings: z
      .array(
        z
          .object({
            code: z.enum(WARNING_CODES),
            message: z.string().openapi({ description: 'What the warning means, in plain words, with what to do about it' }),
          })
          .openapi('Warning'),
      )
      .openapi({
        description:
          'Why this answer deserves less trust than its probabilities say (empty when there is nothing to say): plot_not_english (the plot is in another language), ' +
          'plot_too_short (too few words to judge), low_confidence (the top genre is wrong more often than right at this probability). The answer is given all the same.',
      }),
    timings: z
      .object({
        loadMs: z.number(),
        decodeMs: z.number(),
        modelMs: z.number(),
        totalMs: z.number(),
        cached: z.boolean().openapi({ description: 'true: the answer was computed earlier for the same input and model version, and this request only read it (load, decode and model times are then 0)' }),
      })
      .openapi({ description: 'Milliseconds this request took: model load (first request of an isolate), poster decode and plot features, models, total' }),
  })
  .openapi('Prediction');

export type Prediction = z.infer<typeof predictResponse>;

const batchId = z.string().max(LIMITS.batchIdMaxChars).optional().openapi({ description: `Your name for the movie (at most ${LIMITS.batchIdMaxChars} characters), echoed in its result` });

/** One movie of POST /predict/batch: the JSON body of POST /predict, with an optional id. */
export const batchMovie = z
  .object({ id: batchId, ...predictJsonFields })
  .strict()
  .refine((b) => !(b.poster && b.posterUrl), onePoster)
  .openapi('BatchMovie');

export const batchRequest = z
  .object({
    movies: z
      .array(batchMovie)
      .min(1)
      .max(LIMITS.batchMaxMovies)
      .openapi({ description: `1 to ${LIMITS.batchMaxMovies} movies; each is answered on its own, as POST /predict would answer it` }),
  })
  .openapi('BatchRequest');

/** What the route checks of a batch before answering its movies one by one (each with `batchMovie`). */
export const batchEnvelope = z.object({ movies: z.array(z.unknown()).min(1, 'movies is empty').max(LIMITS.batchMaxMovies) }).strict();

const errorDetail = z.object({ code: z.string(), message: z.string() });

export const batchResponse = z
  .object({
    results: z
      .array(
        z.union([
          predictResponse.extend({ id: batchId }).openapi('BatchPrediction'),
          z.object({ id: batchId, error: errorDetail }).openapi('BatchError', { description: "The error POST /predict would give this movie alone" }),
        ]),
      )
      .openapi({ description: 'One result per movie, in the order sent' }),
  })
  .openapi('BatchResponse');

export const errorResponse = z
  .object({ error: errorDetail })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorResponse>;

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']).openapi({
      description: 'ok: every answer can be given; degraded: some can (see models.answers), status 200 all the same; unavailable: none can (status 503)',
    }),
    reason: z.string().optional().openapi({ description: 'Why the status is not ok' }),
    models: z.object({
      loaded: z.boolean(),
      version: z.string().optional().openapi({ description: 'The version POST /predict answers with' }),
      loads: z.number().openapi({ description: "This isolate's model loads and reloads" }),
      loadMs: z.number().optional(),
      answers: z.object({ plot: z.boolean(), poster: z.boolean(), plotAndPoster: z.boolean() }).openapi({ description: 'Which inputs can be answered' }),
      unavailable: z.record(z.string(), z.string()).openapi({ description: 'Each model that is not loaded (textModel, imageEncoder, imageHead, fusionHead), and why' }),
      reloadError: z.string().optional().openapi({ description: 'Why the newest manifest.json in R2 is not the version served' }),
    }),
    wasmHeapBytes: z.number().optional(),
  })
  .openapi('Health');

export type Health = z.infer<typeof healthResponse>;

export const genresResponse = z.object({ genres: z.array(z.enum(GENRES)) }).openapi('Genres');
