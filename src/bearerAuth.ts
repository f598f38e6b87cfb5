import type { MiddlewareHandler } from 'hono';
// Compares in constant time, so the time taken says nothing about where the token differs.
import { timingSafeEqual } from 'hono/utils/buffer';
import { errorBody } from './apiError';
import type { AppEnv } from './env';

/**
 * Optional auth of the API's POST routes, only when the API_TOKEN secret is set. Hand-written: hono's
 * bearerAuth answers 400 to a malformed header and refuses any token with characters outside RFC 6750's
 * set, even the right one (docs/decisions/serving-bearer-auth.md).
 */
export const bearerAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.env.API_TOKEN;
  // Only POST is served on these paths: a GET typed into a browser goes on to its 405, not a 401 asking for a token.
  if (!token || c.req.method !== 'POST') return next();
  const header = c.req.header('authorization');
  const sent = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (sent !== undefined && (await timingSafeEqual(sent, token))) return next();
  c.header('www-authenticate', 'Bearer');
  const message =
    header === undefined ? 'send Authorization: Bearer <token>' : sent === undefined ? 'Authorization header must be "Bearer <token>"' : 'bearer token is not valid';
  return c.json(errorBody('unauthorized', message), 401);
};
