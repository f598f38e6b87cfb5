import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { modelStatus } from '../modelStore';
import { wasmHeapBytes } from '../ortRuntime';
import { genresResponse, healthResponse } from '../shared/apiSchemas';
import { GENRES } from '../shared/labels';

export const metaRoutes = new OpenAPIHono<AppEnv>();

metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness, and whether this isolate has loaded the models',
    responses: { 200: { content: { 'application/json': { schema: healthResponse } }, description: 'Service status' } },
  }),
  (c) => c.json({ status: 'ok' as const, models: modelStatus(), wasmHeapBytes: wasmHeapBytes() }, 200),
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
