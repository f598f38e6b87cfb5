import type { z } from 'zod';

/** The first problem of a zod failure, with where it is: "data.options: expected array, received object". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid request'}`;
}
