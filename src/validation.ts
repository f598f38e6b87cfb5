import type { Hook, z } from '@hono/zod-openapi';
import { errorBody } from './apiError';
import type { AppEnv } from './env';

/** The first problem of a zod failure, with where it is: "data.options: expected array, received object". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid request'}`;
}

/** Zod failures at the boundary become one 400 JSON error naming the first problem. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  return c.json(errorBody('invalid_request', firstIssue(result.error)), 400);
};
