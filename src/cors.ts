import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './env';

/** CORS_ORIGINS as a list of exact origins (`https://app.example`), or `*` for any. */
const originsOf = (setting: string | undefined): string[] =>
  setting?.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean) ?? [];

const withCors = cors({
  origin: (origin, c) => {
    const allowed = originsOf((c.env as AppEnv['Bindings']).CORS_ORIGINS);
    return allowed.includes('*') ? '*' : allowed.includes(origin) ? origin : null;
  },
  allowMethods: ['GET', 'HEAD', 'POST'],
  allowHeaders: ['Authorization', 'Content-Type'],
  maxAge: 600,
});

/**
 * Lets web apps on other origins call the API from a browser, only when CORS_ORIGINS is set: the bundled
 * page is same-origin and needs none, and without the setting an OPTIONS request stays a 405.
 */
export const corsWhenConfigured: MiddlewareHandler<AppEnv> = (c, next) => (originsOf(c.env.CORS_ORIGINS).length ? withCors(c, next) : next());
