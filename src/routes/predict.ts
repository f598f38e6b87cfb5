import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { ApiError, errorBody } from '../apiError';
import type { AppEnv } from '../env';
import { LIMITS } from '../limits';
import { posterFromBase64, posterFromFile, posterFromUrl } from '../posterInput';
import { predict } from '../predict';
import { errorContent, predictFormBody, predictJsonBody, predictResponse } from '../schemas';
import { validationHook } from '../validation';

const route = createRoute({
  method: 'post',
  path: '/predict',
  summary: 'Rank the seven genres for a plot and/or a poster',
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        'multipart/form-data': { schema: predictFormBody },
        'application/json': { schema: predictJsonBody },
      },
    },
  },
  responses: {
    200: { content: { 'application/json': { schema: predictResponse } }, description: 'Genres ranked by probability' },
    400: errorContent('Missing or invalid input (empty plot, bad base64, not an image, ...)'),
    401: errorContent('Missing or wrong bearer token (only when API_TOKEN is set)'),
    413: errorContent('Body, poster bytes or poster pixels over the documented limits'),
    415: errorContent('Content type is neither application/json nor multipart/form-data'),
    422: errorContent('posterUrl could not be downloaded'),
    503: errorContent('Models missing or corrupt in R2; retried on the next request'),
  },
});

export const predictRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// Optional auth: only when the API_TOKEN secret is set.
predictRoute.use('/predict', async (c, next) => {
  const token = c.env.API_TOKEN;
  if (!token) return next();
  const message = (code: string, text: string) => () => errorBody(code, text);
  return bearerAuth({
    token,
    noAuthenticationHeader: { message: message('unauthorized', 'send Authorization: Bearer <token>') },
    invalidAuthenticationHeader: { message: message('unauthorized', 'Authorization header must be "Bearer <token>"') },
    invalidToken: { message: message('unauthorized', 'bearer token is not valid') },
  })(c as unknown as Context, next);
});

// zod-openapi's own media-type gate answers a bare "Unsupported Media Type": name what is accepted.
const MEDIA_TYPES = ['application/json', 'multipart/form-data'];
predictRoute.use('/predict', async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0';
  if (!MEDIA_TYPES.includes(type) && (type !== '' || hasBody)) {
    throw new ApiError(415, 'unsupported_media_type', `Content-Type ${type || '(none)'} is not accepted: send ${MEDIA_TYPES.join(' or ')}`);
  }
  return next();
});

// Refuse oversized bodies before they are parsed.
predictRoute.use('/predict', async (c, next) => {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > LIMITS.requestMaxBytes) throw new ApiError(413, 'body_too_large', `request body is larger than ${LIMITS.requestMaxBytes} bytes`);
  return next();
});

predictRoute.openapi(route, async (c) => {
  const isJson = (c.req.header('content-type') ?? '').toLowerCase().includes('json');
  let plot: string | undefined;
  let poster: Uint8Array | undefined;
  if (isJson) {
    // Both media types share one route, so the validated body is typed as their union.
    const body = c.req.valid('json') as z.infer<typeof predictJsonBody>;
    plot = body.plot;
    if (body.poster !== undefined) poster = posterFromBase64(body.poster);
    else if (body.posterUrl !== undefined) poster = await posterFromUrl(body.posterUrl, c.env.POSTER_URL_HOSTS);
  } else {
    const body = c.req.valid('form') as z.infer<typeof predictFormBody>;
    plot = body.plot;
    if (body.poster) poster = await posterFromFile(body.poster);
  }
  if (plot === undefined && poster === undefined) throw new ApiError(400, 'missing_input', 'send a plot, a poster, or both');
  return c.json(await predict(c.env, { plot, poster }), 200);
});
