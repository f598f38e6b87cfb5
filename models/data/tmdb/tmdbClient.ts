import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_API_BASE = 'https://api.themoviedb.org/3';
export const DEFAULT_IMAGE_BASE = 'https://image.tmdb.org/t/p/w500';

/** A v3 key travels as the `api_key` query parameter, a v4 read access token as a bearer header. */
export type TmdbAuth = { kind: 'api_key'; secret: string } | { kind: 'bearer'; secret: string };

/** v4 tokens are JWTs: three base64url parts, the first a JSON header (`eyJ`). */
const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/**
 * `TMDB_ACCESS_TOKEN` (v4 read access token) wins over `TMDB_API_KEY`; a `TMDB_API_KEY` that looks
 * like a JWT is treated as a v4 token too, since both are copied from the same TMDB settings page.
 */
export function authFromEnv(env: NodeJS.ProcessEnv): TmdbAuth | undefined {
  const token = env.TMDB_ACCESS_TOKEN?.trim();
  if (token) return { kind: 'bearer', secret: token };
  const key = env.TMDB_API_KEY?.trim();
  if (!key) return undefined;
  return JWT.test(key) ? { kind: 'bearer', secret: key } : { kind: 'api_key', secret: key };
}

/** A non-retryable HTTP answer (or a retryable one that kept failing). The message holds no secret. */
export class TmdbHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TmdbHttpError';
  }
}

export interface RetryNotice {
  url: string;
  reason: string;
  attempt: number;
  delayMs: number;
}

export interface TmdbClientOptions {
  apiBase?: string;
  auth: TmdbAuth;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** Extra attempts after the first for 429, 5xx, timeouts and network errors. */
  retries?: number;
  /** First exponential backoff step for 5xx and network errors (doubles each attempt). */
  retryBaseMs?: number;
  /** Upper bound of any single wait, including a server's Retry-After. */
  maxBackoffMs?: number;
  /** Spacing of API requests (TMDB allows about 50/s per IP; staying well below avoids most 429s). */
  maxRequestsPerSecond?: number;
  /** Stops waits and requests in flight (Ctrl-C). */
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** HTTP access to TMDB's API and image host with auth, timeouts, retries and rate limiting. */
export class TmdbClient {
  private readonly apiBase: string;
  private readonly auth: TmdbAuth;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly intervalMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onRetry: ((notice: RetryNotice) => void) | undefined;
  private nextSlot = 0;
  /** Set by a 429 so every API request waits, not only the one that was refused. */
  private pausedUntil = 0;

  constructor(options: TmdbClientOptions) {
    this.apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.intervalMs = 1000 / (options.maxRequestsPerSecond ?? 20);
    this.signal = options.signal;
    this.onRetry = options.onRetry;
  }

  /** Removes the credential from text bound for logs and errors. */
  redact(text: string): string {
    return text
      .replace(/([?&]api_key=)[^&#\s]*/g, '$1***')
      .replaceAll(this.auth.secret, '***')
      .replaceAll(encodeURIComponent(this.auth.secret), '***');
  }

  /** GET an API path (e.g. `/discover/movie`) and parse its JSON. */
  async getJson(path: string, params: Record<string, string | number | boolean> = {}): Promise<unknown> {
    const url = new URL(this.apiBase + path);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth.kind === 'api_key') url.searchParams.set('api_key', this.auth.secret);
    else headers.authorization = `Bearer ${this.auth.secret}`;
    const bytes = await this.request(url.toString(), headers, true);
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Error(`GET ${this.redact(url.toString())}: the response is not JSON`);
    }
  }

  /** GET an image; the image host needs no credentials, so none are sent to it. */
  getBytes(url: string): Promise<Uint8Array> {
    return this.request(url, {}, false);
  }

  private async request(url: string, headers: Record<string, string>, throttled: boolean): Promise<Uint8Array> {
    const shown = this.redact(url);
    for (let attempt = 1; ; attempt++) {
      if (throttled) await this.waitForSlot();
      let failure: string;
      let delayMs: number;
      let status = 0;
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), ...(this.signal ? [this.signal] : [])]);
        const res = await fetch(url, { headers, signal, redirect: 'follow' });
        if (res.ok) return new Uint8Array(await res.arrayBuffer());
        status = res.status;
        await res.body?.cancel();
        failure = `HTTP ${res.status}`;
        if (!RETRYABLE_STATUS.has(res.status)) throw new TmdbHttpError(res.status, `GET ${shown}: ${failure}`);
        const serverWait = res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
        delayMs = Math.min(serverWait ?? this.backoffMs(attempt), this.maxBackoffMs);
        if (res.status === 429 && throttled) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delayMs);
      } catch (err) {
        if (err instanceof TmdbHttpError) throw err;
        if (this.signal?.aborted) throw this.signal.reason;
        failure = this.redact(describeNetworkError(err));
        delayMs = this.backoffMs(attempt);
      }
      if (attempt > this.retries) {
        throw new TmdbHttpError(status, `GET ${shown}: ${failure} (gave up after ${attempt} attempts)`);
      }
      this.onRetry?.({ url: shown, reason: failure, attempt, delayMs });
      await sleep(delayMs, undefined, { signal: this.signal });
    }
  }

  private backoffMs(attempt: number): number {
    // Jitter so parallel downloads that failed together do not retry in lockstep.
    const base = this.retryBaseMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
    return Math.min(base, this.maxBackoffMs);
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const slot = Math.max(now, this.nextSlot, this.pausedUntil);
      if (slot <= now) {
        this.nextSlot = now + this.intervalMs;
        return;
      }
      await sleep(slot - now, undefined, { signal: this.signal });
    }
  }
}

/** undici reports "fetch failed" and hides the useful part (ECONNRESET, timeout...) in `cause`. */
function describeNetworkError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `network error ${cause.code}`;
  if (cause?.message) return `network error: ${cause.message}`;
  return err instanceof Error ? `network error: ${err.message}` : 'network error';
}
