import type { Hook } from '@hono/zod-openapi';
import { errorBody } from './apiError';
import type { AppEnv } from './env';

/** Zod failures at the boundary become one 400 JSON error naming the first problem. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return c.json(errorBody('invalid_request', `${where}${issue?.message ?? 'invalid request'}`), 400);
};
