import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { readiness } from '../modelStore';
import { wasmHeapBytes } from '../ortRuntime';
import { genresResponse, healthResponse } from '../shared/apiSchemas';
import { GENRES } from '../shared/labels';

export const metaRoutes = new OpenAPIHono<AppEnv>();

metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Readiness: whether this isolate can answer POST /predict (it loads the models if need be)',
    responses: {
      200: { content: { 'application/json': { schema: healthResponse } }, description: 'The models serve every answer (ok) or some (degraded)' },
      503: { content: { 'application/json': { schema: healthResponse } }, description: 'No answer can be given; `reason` says why' },
    },
  }),
  async (c) => {
    const ready = await readiness(c.env);
    return c.json({ ...ready, wasmHeapBytes: wasmHeapBytes() }, ready.status === 'unavailable' ? 503 : 200);
  },
);

metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/genres',
    operationId: 'genres',
    summary: 'The genre labels, in model output order',
    responses: { 200: { content: { 'application/json': { schema: genresResponse } }, description: 'Label order' } },
  }),
  (c) => c.json({ genres: [...GENRES] }, 200),
);
