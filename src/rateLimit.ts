import type { MiddlewareHandler } from 'hono';
import { errorBody } from './apiError';
import type { AppEnv } from './env';

/**
 * The Retry-After of a 429: the binding does not say when its window ends, and 60 s is the longest period
 * it allows, so a client that waits this long is always within its limit again.
 */
export const RATE_LIMIT_RETRY_AFTER_S = 60;

/** 127.0.0.0/8 and ::1: wrangler dev's and the tests' own requests. */
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * Limits a route per client address (CF-Connecting-IP, which Cloudflare sets) with a Workers rate-limiting
 * binding: 429 with Retry-After beyond its limit. Off when the binding is not configured, and for requests
 * from the machine itself, so that `npm run dev`, the tests and the benchmarks are never limited.
 */
export function rateLimited(binding: (env: AppEnv['Bindings']) => RateLimit | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limiter = binding(c.env);
    const client = c.req.header('cf-connecting-ip');
    if (!limiter || !client || LOOPBACK.test(client) || (await limiter.limit({ key: client })).success) return next();
    return c.json(errorBody('rate_limited', `too many requests from ${client}; try again in ${RATE_LIMIT_RETRY_AFTER_S} s`), 429, {
      'retry-after': String(RATE_LIMIT_RETRY_AFTER_S),
    });
  };
}
