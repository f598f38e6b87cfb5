import type { Hook } from '@hono/zod-openapi';
import { errorBody } from './apiError';
import type { AppEnv } from './env';
import { firstIssue } from './shared/zodIssue';

/** Zod failures at the boundary become one 400 JSON error naming the first problem. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  return c.json(errorBody('invalid_request', firstIssue(result.error)), 400);
};
