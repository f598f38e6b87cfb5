import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorResponse, type ErrorBody } from './shared/apiSchemas';

/** An error the client can act on: rendered as `{ "error": { "code", "message" } }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** Sent with the answer, e.g. Retry-After with a 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

/** An OpenAPI response entry for an error status. */
export const errorContent = (description: string) => ({ content: { 'application/json': { schema: errorResponse } }, description });
