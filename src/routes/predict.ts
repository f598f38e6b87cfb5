import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inSlot, posterWork } from '../admission';
import { errorContent } from '../apiError';
import { CACHE_NAME, cacheStatus } from '../answerCache';
import type { AppEnv, Env } from '../env';
import { ADMISSION } from '../shared/limits';
import { posterFromBase64, posterFromFile, posterFromUrl } from '../posterInput';
import { predict, predictContext, type PredictOutcome } from '../predict';
import { RATE_LIMIT_RETRY_AFTER_S } from '../rateLimit';
import { predictFormBody, predictJsonBody, predictResponse } from '../shared/apiSchemas';
import { validationHook } from '../validation';
import { inputGuards } from './inputGuards';

const route = createRoute({
  method: 'post',
  path: '/predict',
  operationId: 'predict',
  summary: 'Rank the seven genres for a plot and/or a poster',
  security: [{ bearer: [] }],
  request: {
    body: {
      description:
        'multipart/form-data: a `plot` field and/or a `poster` file. application/json: `plot` and/or `poster` (base64) or `posterUrl`. ' +
        'application/x-www-form-urlencoded: the same fields, so a plot alone (it cannot carry a file).',
      content: {
        'multipart/form-data': { schema: predictFormBody },
        'application/json': { schema: predictJsonBody },
        // One schema for both form types: @hono/zod-openapi validates every form body against each form type's schema.
        'application/x-www-form-urlencoded': { schema: predictFormBody },
      },
    },
  },
  responses: {
    200: {
      content: { 'application/json': { schema: predictResponse } },
      headers: {
        'Cache-Status': {
          description: `RFC 9211: \`${CACHE_NAME}; hit\` when the answer was read from the cache; \`${CACHE_NAME}; fwd=miss\` when computed; \`${CACHE_NAME}; fwd=request\` when computed because the request sent Cache-Control: no-cache (or no-store, which also keeps it out of the cache)`,
          schema: { type: 'string' },
        },
      },
      description: 'Genres ranked by probability',
    },
    400: errorContent('Missing or invalid input (empty plot, bad base64, not an image, ...)'),
    401: errorContent('Missing or wrong bearer token (only when API_TOKEN is set)'),
    413: errorContent('Body, poster bytes or poster pixels over the documented limits'),
    415: errorContent('Content type is none of application/json, multipart/form-data, application/x-www-form-urlencoded'),
    422: errorContent('posterUrl could not be downloaded'),
    429: {
      ...errorContent(`Too many requests from this address (PREDICT_RATE_LIMIT); Retry-After says when to try again (${RATE_LIMIT_RETRY_AFTER_S} s)`),
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'string' } } },
    },
    503: {
      ...errorContent(
        `A model the input needs is not loaded, missing or corrupt in R2 (model_unavailable: the message says which and why), or this instance is busy with posters (overloaded, with Retry-After: ${ADMISSION.retryAfterS})`,
      ),
      headers: { 'Retry-After': { description: 'With overloaded: seconds to wait', schema: { type: 'string' } } },
    },
  },
});

export const predictRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

predictRoute.use('/predict', ...inputGuards);

// A form body is parsed by workerd straight from the stream: hono's form validator would first copy the whole
// body into an ArrayBuffer (a poster's bytes once more), unless the parsed form is already in its cache.
predictRoute.use('/predict', async (c, next) => {
  if (c.req.method === 'POST' && /^multipart\/form-data|^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')) {
    try {
      c.req.bodyCache.formData = await c.req.raw.formData();
    } catch (err) {
      throw new HTTPException(400, { message: `Malformed FormData request. ${(err as Error).message}` });
    }
  }
  return next();
});

/** A movie as a request sends it: the plot, and the poster's bytes read only when called (in a slot). */
export interface RequestInput {
  plot?: string;
  poster?: () => Promise<Uint8Array>;
}

/** A JSON body's input: the poster decoded from base64 or downloaded from its URL, when called. */
export function inputFromJson(body: Pick<z.infer<typeof predictJsonBody>, 'plot' | 'poster' | 'posterUrl'>, env: Env): RequestInput {
  const { plot, poster: base64, posterUrl } = body;
  if (base64 !== undefined) return { plot, poster: async () => posterFromBase64(base64) };
  if (posterUrl !== undefined) return { plot, poster: () => posterFromUrl(posterUrl, env.POSTER_URL_HOSTS) };
  return { plot };
}

/** predict() for a request's movie, its poster work (reading, downloading, decoding, models) in the isolate's slot. */
export function predictRequest(c: Context<AppEnv>, input: RequestInput): Promise<PredictOutcome> {
  const context = predictContext(c);
  const classify = async () => predict(context, { plot: input.plot, poster: await input.poster?.() });
  return input.poster ? inSlot(c, posterWork, classify) : classify();
}

/** The test @hono/zod-openapi uses to pick the JSON validator; a multipart boundary may well contain "json". */
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;

predictRoute.openapi(route, async (c) => {
  let input: RequestInput;
  if (JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    // Both media types share one route, so the validated body is typed as their union.
    input = inputFromJson(c.req.valid('json') as z.infer<typeof predictJsonBody>, c.env);
  } else {
    const { plot, poster: file } = c.req.valid('form') as z.infer<typeof predictFormBody>;
    input = { plot, poster: file && (() => posterFromFile(file)) };
  }
  // hono keeps the body it parsed; a JSON body's text is as large as its base64 poster, and no longer needed.
  c.req.bodyCache = {};
  const { prediction, cache } = await predictRequest(c, input);
  c.header('cache-status', cacheStatus(cache));
  return c.json(prediction, 200);
});
