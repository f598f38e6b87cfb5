import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { errorBody, errorContent } from '../apiError';
import { CACHE_NAME, cacheStatus } from '../answerCache';
import { bearerAuth } from '../bearerAuth';
import type { AppEnv, Env } from '../env';
import { LIMITS } from '../shared/limits';
import { posterFromBase64, posterFromFile, posterFromUrl } from '../posterInput';
import { predict, predictContext, type PredictInput } from '../predict';
import { predictFormBody, predictJsonBody, predictResponse } from '../shared/apiSchemas';
import { validationHook } from '../validation';

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
    503: errorContent('A model the input needs is not loaded (missing or corrupt in R2); the message says which and why'),
  },
});

export const predictRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

predictRoute.use('/predict', bearerAuth);

// Refuse oversized bodies before they are parsed, by Content-Length or, for a chunked body, by counting.
predictRoute.use(
  '/predict',
  bodyLimit({
    maxSize: LIMITS.requestMaxBytes,
    onError: (c) => c.json(errorBody('body_too_large', `request body is larger than ${LIMITS.requestMaxBytes} bytes`), 413),
  }),
);

/** A JSON body's input: the poster decoded from base64 or downloaded from its URL. */
export async function inputFromJson(body: Pick<z.infer<typeof predictJsonBody>, 'plot' | 'poster' | 'posterUrl'>, env: Env): Promise<PredictInput> {
  const poster = body.poster !== undefined ? posterFromBase64(body.poster) : body.posterUrl !== undefined ? await posterFromUrl(body.posterUrl, env.POSTER_URL_HOSTS) : undefined;
  return { plot: body.plot, poster };
}

/** The test @hono/zod-openapi uses to pick the JSON validator; a multipart boundary may well contain "json". */
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;

predictRoute.openapi(route, async (c) => {
  let input: PredictInput;
  if (JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    // Both media types share one route, so the validated body is typed as their union.
    input = await inputFromJson(c.req.valid('json') as z.infer<typeof predictJsonBody>, c.env);
  } else {
    const body = c.req.valid('form') as z.infer<typeof predictFormBody>;
    input = { plot: body.plot, poster: body.poster && (await posterFromFile(body.poster)) };
  }
  const { prediction, cache } = await predict(predictContext(c), input);
  c.header('cache-status', cacheStatus(cache));
  return c.json(prediction, 200);
});
