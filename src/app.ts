import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { ApiError, errorBody } from './apiError';
import { corsWhenConfigured } from './cors';
import { interactionsRoute } from './discord/interactions';
import type { AppEnv } from './env';
import { log, requestLog } from './log';
import { apiReferenceRoutes } from './routes/apiReference';
import { feedbackRoute } from './routes/feedback';
import { metaRoutes } from './routes/meta';
import { predictRoute } from './routes/predict';
import { predictBatchRoute } from './routes/predictBatch';
import { siteRoutes } from './routes/site';

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
};

export const app = new OpenAPIHono<AppEnv>();

app.use(requestLog);
app.use(corsWhenConfigured);
// A known path with the wrong method (GET /predict typed into a browser, say) is a 405 naming the right methods, not a 404.
app.use(
  methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allowed = methods.join(', ');
      // "/" is where the web page lives: a POST there was almost certainly meant for the API.
      const hint = c.req.path === '/' ? '; / is the web page: send plots and posters to POST /predict' : '';
      return c.json(errorBody('method_not_allowed', `${c.req.method} ${c.req.path} is not supported: it accepts ${allowed}${hint}`), 405, { allow: allowed });
    },
  }),
);

app.route('/', metaRoutes);
app.route('/', predictRoute);
app.route('/', predictBatchRoute);
app.route('/', feedbackRoute);
app.route('/', interactionsRoute);
app.route('/', siteRoutes);
app.route('/', apiReferenceRoutes);

app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
app.openAPIRegistry.registerComponent('responses', 'MethodNotAllowed', {
  description: 'Another method on this path: a JSON error whose Allow header lists the methods the path accepts',
  headers: { Allow: { description: 'The accepted methods, e.g. "POST"', schema: { type: 'string' } } },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

// The 405 comes from the methodNotAllowed middleware above, for every path, so it is added to every operation here.
// `redocly lint` with its recommended rules checks the document (test/web/apiReference.test.ts).
app.get('/openapi.json', (c) => {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Movie genre classifier',
      version: '1.0.0',
      description: 'Ranks Action, Animation, Comedy, Documentary, Drama, Horror and Others for a movie plot and/or poster.',
    },
    // Relative: whichever origin serves this document, so that the reference at /docs sends its requests there.
    servers: [{ url: '/', description: 'The origin that serves this document' }],
    // Open unless an operation says otherwise: POST /predict, /predict/batch and /feedback take a bearer token when API_TOKEN is set.
    security: [],
  });
  // The project publishes no licence: said so (an SPDX LicenseRef) rather than left out. Set on the document,
  // whose type is OpenAPI 3.1's: the generator's config takes 3.0's license object, which has no `identifier`.
  doc.info.license = { name: 'Proprietary: no licence is granted', identifier: 'LicenseRef-Proprietary' };
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation && typeof operation === 'object' && 'responses' in operation) operation.responses['405'] = { $ref: '#/components/responses/MethodNotAllowed' };
    }
  }
  return c.json(doc);
});

app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status, err.headers);
  if (err instanceof HTTPException) {
    // zod-openapi's media-type gate says only "Unsupported Media Type": name what POST /predict takes.
    if (err.status === 415) {
      const sent = (c.req.header('content-type') ?? '(none)').slice(0, 100);
      return c.json(errorBody('unsupported_media_type', `Content-Type ${sent} is not accepted: send application/json, multipart/form-data or application/x-www-form-urlencoded`), 415);
    }
    const res = err.getResponse();
    if (res.headers.get('content-type')?.includes('json')) return res;
    const message = err.message || res.statusText || 'request rejected';
    const code = message.startsWith('Malformed JSON') ? 'invalid_json' : (HTTP_CODES[err.status] ?? 'invalid_request');
    return c.json(errorBody(code, message), err.status);
  }
  log('error', 'unhandled error', { path: c.req.path, error: String(err), stack: (err as Error).stack });
  return c.json(errorBody('internal_error', 'unexpected server error'), 500);
});
