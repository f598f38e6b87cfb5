import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError, errorContent } from '../apiError';
import type { AppEnv } from '../env';
import { batchEnvelope, batchMovie, batchRequest, batchResponse } from '../shared/apiSchemas';
import { LIMITS } from '../shared/limits';
import { firstIssue } from '../shared/zodIssue';
import { inputGuards } from './inputGuards';
import { inputFromJson, predictRequest } from './predict';

type BatchResult = z.infer<typeof batchResponse>['results'][number];

export const predictBatchRoute = new OpenAPIHono<AppEnv>();

// Documented here, validated in the handler: one bad movie must get its own error, not fail the batch.
predictBatchRoute.openAPIRegistry.registerPath({
  method: 'post',
  path: '/predict/batch',
  operationId: 'predictBatch',
  summary: 'Rank the seven genres for many movies in one call',
  description:
    `Each movie is answered exactly as POST /predict would answer it alone (the same fields, probabilities, warnings and cache), ` +
    `or gets the error /predict would give it; one bad movie never fails the others. The movies are answered one after another.`,
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: batchRequest } } } },
  responses: {
    200: { content: { 'application/json': { schema: batchResponse } }, description: 'One result per movie, in the order sent' },
    400: errorContent('Not JSON (invalid_json), or not a batch: no `movies` array, an empty one, unknown fields (invalid_request)'),
    429: errorContent('Too many requests from this address (PREDICT_RATE_LIMIT, a batch counting as one); Retry-After says when to try again'),
    401: errorContent('Missing or wrong bearer token (only when API_TOKEN is set)'),
    413: errorContent(`More than ${LIMITS.batchMaxMovies} movies (batch_too_large), or a body over ${LIMITS.requestMaxBytes} bytes (body_too_large)`),
    415: errorContent('Content type is not application/json'),
    503: errorContent('Models missing or corrupt in R2 (model_unavailable), or this instance busy with posters (overloaded, with Retry-After): the whole batch is refused, to be retried'),
  },
});

// The same limits as POST /predict, a batch counting as one request: its body takes the isolate's poster slot
// when it may hold posters, and keeps it while its movies are answered one after another.
predictBatchRoute.use('/predict/batch', ...inputGuards);

async function readBatch(request: Request): Promise<unknown[]> {
  if (!/^application\/([a-z-.]+\+)?json/i.test(request.headers.get('content-type') ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the batch as application/json: { "movies": [ ... ] }');
  }
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
  }
  if (json && typeof json === 'object' && Array.isArray((json as { movies?: unknown }).movies) && (json as { movies: unknown[] }).movies.length > LIMITS.batchMaxMovies) {
    throw new ApiError(413, 'batch_too_large', `a batch holds at most ${LIMITS.batchMaxMovies} movies; send the rest in another`);
  }
  const parsed = batchEnvelope.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', firstIssue(parsed.error));
  return parsed.data.movies;
}

/** The id a movie was sent with, if it is one, to echo even beside an error about the movie. */
const idOf = (movie: unknown) => {
  const id = (movie as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= LIMITS.batchIdMaxChars ? { id } : {};
};

predictBatchRoute.post('/predict/batch', async (c) => {
  const movies = await readBatch(c.req.raw);
  const results: BatchResult[] = [];
  for (const [i, movie] of movies.entries()) {
    // Dropped once answered: a movie's base64 poster is kept no longer than its own turn.
    movies[i] = undefined;
    const id = idOf(movie);
    try {
      const parsed = batchMovie.safeParse(movie);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', firstIssue(parsed.error));
      const { prediction } = await predictRequest(c, inputFromJson(parsed.data, c.env));
      results.push({ ...id, ...prediction });
    } catch (err) {
      // The movie's own input errors (4xx) are its result. A 503 (models unavailable) fails the batch, as it would
      // each /predict, so that the client retries it whole (answers computed meanwhile come back from the cache).
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      results.push({ ...id, error: { code: err.code, message: err.message } });
    }
  }
  return c.json({ results }, 200);
});
