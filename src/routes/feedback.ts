import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { inSlot, posterWork } from '../admission';
import { errorContent } from '../apiError';
import type { AppEnv } from '../env';
import { storeCorrection } from '../feedback/store';
import { feedbackBody, feedbackResponse } from '../shared/apiSchemas';
import { validationHook } from '../validation';
import { inputGuards } from './inputGuards';
import { inputFromJson } from './predict';

const route = createRoute({
  method: 'post',
  path: '/feedback',
  operationId: 'sendFeedback',
  summary: 'Correct an answer: the input, the genre given and the right one',
  description:
    'Stored in D1 as training data (`npm run feedback:export`); a poster is kept in R2 under its sha256. No IP address is stored. ' +
    'The input is read as POST /predict reads it, with the same errors.',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: feedbackBody } }, required: true } },
  responses: {
    201: { content: { 'application/json': { schema: feedbackResponse } }, description: 'Stored' },
    400: errorContent('Invalid input: an unknown genre, no plot or poster, an oversized comment, a poster that is no image, ...'),
    401: errorContent('Missing or wrong bearer token (only when API_TOKEN is set)'),
    413: errorContent('Body, poster bytes or poster pixels over the limits of POST /predict'),
    415: errorContent('Content type is not application/json'),
    422: errorContent('posterUrl could not be downloaded'),
    429: errorContent('Too many requests from this address (PREDICT_RATE_LIMIT); Retry-After says when to try again'),
    503: errorContent('This instance is busy with posters (overloaded, with Retry-After)'),
  },
});

export const feedbackRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// The limits of POST /predict, whose input a correction repeats.
feedbackRoute.use('/feedback', ...inputGuards);

feedbackRoute.openapi(route, async (c) => {
  const body = c.req.valid('json');
  const input = inputFromJson(body, c.env);
  c.req.bodyCache = {};
  const store = async () => storeCorrection(c.env, { ...body, plot: input.plot, poster: await input.poster?.() });
  const id = await (input.poster ? inSlot(c, posterWork, store) : store());
  return c.json({ id }, 201);
});
