import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
// Compares in constant time, so the time taken says nothing about where the token differs.
import { timingSafeEqual } from 'hono/utils/buffer';
import { admitLargeBodies, inSlot, posterWork } from '../admission';
import { ApiError, errorBody, errorContent } from '../apiError';
import type { AppEnv } from '../env';
import { ADMISSION, LIMITS } from '../shared/limits';
import { posterFromBase64, posterFromFile, posterFromUrl } from '../posterInput';
import { predict } from '../predict';
import { rateLimited, RATE_LIMIT_RETRY_AFTER_S } from '../rateLimit';
import { predictFormBody, predictJsonBody, predictResponse } from '../shared/apiSchemas';
import { validationHook } from '../validation';

const route = createRoute({
  method: 'post',
  path: '/predict',
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
    200: { content: { 'application/json': { schema: predictResponse } }, description: 'Genres ranked by probability' },
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
        `Models missing or corrupt in R2 (model_unavailable; retried on the next request), or this instance is busy with posters (overloaded, with Retry-After: ${ADMISSION.retryAfterS})`,
      ),
      headers: { 'Retry-After': { description: 'With overloaded: seconds to wait', schema: { type: 'string' } } },
    },
  },
});

export const predictRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

predictRoute.use('/predict', rateLimited((env) => env.PREDICT_RATE_LIMIT));

// Optional auth, only when the API_TOKEN secret is set. Hand-written: hono's bearerAuth answers 400 to a
// malformed header and refuses any token with characters outside RFC 6750's set, even the right one.
predictRoute.use('/predict', async (c, next) => {
  const token = c.env.API_TOKEN;
  // Only POST is served here: a GET typed into a browser goes on to its 405, not a 401 asking for a token.
  if (!token || c.req.method !== 'POST') return next();
  const header = c.req.header('authorization');
  const sent = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (sent !== undefined && (await timingSafeEqual(sent, token))) return next();
  c.header('www-authenticate', 'Bearer');
  const message =
    header === undefined ? 'send Authorization: Bearer <token>' : sent === undefined ? 'Authorization header must be "Bearer <token>"' : 'bearer token is not valid';
  return c.json(errorBody('unauthorized', message), 401);
});

// Refuse oversized bodies before they are parsed, by Content-Length or, for a chunked body, by counting.
predictRoute.use(
  '/predict',
  bodyLimit({
    maxSize: LIMITS.requestMaxBytes,
    onError: (c) => c.json(errorBody('body_too_large', `request body is larger than ${LIMITS.requestMaxBytes} bytes`), 413),
  }),
);

predictRoute.use('/predict', admitLargeBodies(posterWork, ADMISSION.lightBodyBytes));

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

/** The test @hono/zod-openapi uses to pick the JSON validator; a multipart boundary may well contain "json". */
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;

predictRoute.openapi(route, async (c) => {
  const isJson = JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '');
  let plot: string | undefined;
  let poster: (() => Promise<Uint8Array>) | undefined;
  if (isJson) {
    // Both media types share one route, so the validated body is typed as their union.
    const body = c.req.valid('json') as z.infer<typeof predictJsonBody>;
    plot = body.plot;
    const { poster: base64, posterUrl } = body;
    if (base64 !== undefined) poster = async () => posterFromBase64(base64);
    else if (posterUrl !== undefined) poster = () => posterFromUrl(posterUrl, c.env.POSTER_URL_HOSTS);
  } else {
    const body = c.req.valid('form') as z.infer<typeof predictFormBody>;
    plot = body.plot;
    const file = body.poster;
    if (file) poster = () => posterFromFile(file);
  }
  // hono keeps the body it parsed; a JSON body's text is as large as its base64 poster, and no longer needed.
  c.req.bodyCache = {};
  if (plot === undefined && poster === undefined) throw new ApiError(400, 'missing_input', 'send a plot, a poster, or both');
  const classify = async () => predict(c.env, { plot, poster: await poster?.() });
  return c.json(await (poster ? inSlot(c, posterWork, classify) : classify()), 200);
});
