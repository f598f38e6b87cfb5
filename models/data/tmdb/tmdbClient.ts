import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';

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
  /** First backoff wait (times 1 to 2 at random), doubling with each attempt. */
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

/** An attempt worth repeating: a retryable status, a timeout or a network error (status 0). */
class RetryableFailure extends Error {
  constructor(
    readonly status: number,
    reason: string,
    readonly attempt: number,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** Requests to one host: a 429 there holds them all until its Retry-After has passed. */
interface Lane {
  pausedUntil: number;
  /** Resolves at the next free slot of the host's rate limit, if it has one. */
  slot?: () => Promise<void>;
}

/** HTTP access to TMDB's API and image host with auth, timeouts, retries (p-retry) and rate limiting (p-throttle). */
export class TmdbClient {
  private readonly apiBase: string;
  private readonly auth: TmdbAuth;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onRetry: ((notice: RetryNotice) => void) | undefined;
  private readonly api: Lane;
  private readonly images: Lane = { pausedUntil: 0 };

  constructor(options: TmdbClientOptions) {
    this.apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.signal = options.signal;
    this.onRetry = options.onRetry;
    // One request per interval, evenly spaced rather than a burst at the start of each second.
    const throttle = pThrottle({ limit: 1, interval: 1000 / (options.maxRequestsPerSecond ?? 20), signal: options.signal });
    this.api = { pausedUntil: 0, slot: throttle(async () => {}) };
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
    const bytes = await this.request(url.toString(), headers, this.api);
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Error(`GET ${this.redact(url.toString())}: the response is not JSON`);
    }
  }

  /** GET an image; the image host needs no credentials, so none are sent to it. */
  getBytes(url: string): Promise<Uint8Array> {
    return this.request(url, {}, this.images);
  }

  private async request(url: string, headers: Record<string, string>, lane: Lane): Promise<Uint8Array> {
    const shown = this.redact(url);
    try {
      return await pRetry((attempt) => this.fetchOnce(url, shown, headers, lane, attempt), {
        retries: this.retries,
        minTimeout: this.retryBaseMs,
        maxTimeout: this.maxBackoffMs,
        // 1x to 2x each wait, so parallel downloads that failed together do not retry in lockstep.
        randomize: true,
        signal: this.signal,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
          if (!(error instanceof RetryableFailure) || retriesLeft === 0) return;
          // p-retry waits its backoff; a longer Retry-After is waited out by the lane before the next attempt.
          const delayMs = Math.max(retryDelay, Math.min(error.retryAfterMs ?? 0, this.maxBackoffMs));
          if (error.status === 429) lane.pausedUntil = Math.max(lane.pausedUntil, Date.now() + delayMs);
          this.onRetry?.({ url: shown, reason: error.message, attempt: attemptNumber, delayMs });
        },
      });
    } catch (err) {
      if (!(err instanceof RetryableFailure)) throw err;
      throw new TmdbHttpError(err.status, `GET ${shown}: ${err.message} (gave up after ${err.attempt} attempts)`);
    }
  }

  private async fetchOnce(url: string, shown: string, headers: Record<string, string>, lane: Lane, attempt: number): Promise<Uint8Array> {
    const paused = lane.pausedUntil - Date.now();
    if (paused > 0) await sleep(paused, undefined, { signal: this.signal });
    await lane.slot?.();
    let res: Response;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), ...(this.signal ? [this.signal] : [])]);
      res = await fetch(url, { headers, signal, redirect: 'follow' });
      if (res.ok) return new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (this.signal?.aborted) throw this.signal.reason;
      throw new RetryableFailure(0, this.redact(describeNetworkError(err)), attempt);
    }
    await res.body?.cancel();
    const failure = `HTTP ${res.status}`;
    // AbortError: p-retry throws the wrapped error at once, without retrying.
    if (!RETRYABLE_STATUS.has(res.status)) throw new AbortError(new TmdbHttpError(res.status, `GET ${shown}: ${failure}`));
    const serverWait = res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
    throw new RetryableFailure(res.status, failure, attempt, serverWait);
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
