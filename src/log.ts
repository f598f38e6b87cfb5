import type { MiddlewareHandler } from 'hono';
import { contextStorage, tryGetContext } from 'hono/context-storage';
import type { RequestIdVariables } from 'hono/request-id';

type Level = 'info' | 'warn' | 'error';

/**
 * One JSON log line carrying the id of the request it belongs to, also from work that request left running
 * in waitUntil (the context travels with its promises through AsyncLocalStorage, `nodejs_compat`).
 */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const requestId = tryGetContext<{ Variables: RequestIdVariables }>()?.var.requestId;
  console[level === 'info' ? 'log' : level](JSON.stringify({ level, msg, requestId, ...fields }));
}

const withContext = contextStorage();

/**
 * Gives every request an id, Cloudflare's `cf-ray` where it sets one, else a random UUID, returned as
 * `X-Request-Id` on every answer the Worker makes, and logs one access line per request. Hand-written rather
 * than hono's requestId, which would take an id from the client's own X-Request-Id header.
 */
export const requestLog: MiddlewareHandler<{ Variables: RequestIdVariables }> = (c, next) =>
  withContext(c, async () => {
    const id = c.req.header('cf-ray') ?? crypto.randomUUID();
    c.set('requestId', id);
    const started = Date.now();
    await next();
    c.header('x-request-id', id);
    log(c.res.status >= 500 ? 'error' : 'info', 'request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started });
  });
