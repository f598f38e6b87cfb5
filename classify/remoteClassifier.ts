import pRetry, { AbortError } from 'p-retry';
import { retryAfterMs } from '../models/data/tmdb/tmdbClient';
import { batchResponse } from '../src/shared/apiSchemas';
import { LIMITS } from '../src/shared/limits';
import type { CatalogueClassifier, MovieInput } from './localClassifier';
import type { MovieResult } from './resultColumns';

export interface RemoteOptions {
  /** The service's base URL, e.g. http://127.0.0.1:8787. */
  url: string;
  token?: string;
  /** Attempts after the first, for 429, 5xx and network errors. */
  retries?: number;
  /** Base of the exponential backoff between attempts. */
  retryBaseMs?: number;
  /** Per attempt: a full batch of posters takes seconds. */
  timeoutMs?: number;
  /** Told before each retry (the command prints it). */
  onRetry?: (reason: string, delayMs: number) => void;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);
/** A batch's JSON body stays this far under the service's body limit. */
const BODY_BUDGET = LIMITS.requestMaxBytes - 64 * 1024;
/** Longest wait honoured from a Retry-After header. */
const MAX_RETRY_AFTER_MS = 60_000;

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Batches of movies sent to the service's POST /predict/batch: its answers, exactly as it gives them. */
export function remoteClassifier(options: RemoteOptions): CatalogueClassifier {
  const endpoint = new URL('/predict/batch', options.url).href;
  const headers = { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  let version = '';

  async function attempt(body: string): Promise<MovieResult[]> {
    let res: Response;
    try {
      res = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 300_000) });
    } catch (err) {
      throw new Retryable(`${endpoint} could not be reached (${(err as Error).cause ?? (err as Error).message})`);
    }
    const text = await res.text();
    if (RETRYABLE.has(res.status)) throw new Retryable(`${endpoint} answered HTTP ${res.status}`, retryAfterMs(res.headers.get('retry-after')));
    if (!res.ok) {
      // 401 (token), 404/405 (not this service), 4xx for the batch itself: no row can be answered; stop the run.
      const detail = /"message":"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 200);
      throw new AbortError(`${endpoint} refused the batch with HTTP ${res.status}: ${detail}`);
    }
    const parsed = batchResponse.safeParse(JSON.parse(text));
    if (!parsed.success) throw new AbortError(`${endpoint} did not answer with a batch result; is --url this service?`);
    return parsed.data.results.map((item) => {
      if ('error' in item) return { error: item.error };
      const { id: _id, modelVersion, timings: _timings, ...answer } = item;
      version = modelVersion;
      return { answer };
    });
  }

  /** One request: the results of its movies, retried on 429, 5xx and network errors. */
  const send = (movies: object[]) => {
    const body = JSON.stringify({ movies });
    return pRetry(() => attempt(body), {
      retries: options.retries ?? 5,
      minTimeout: options.retryBaseMs ?? 1_000,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof Retryable,
      onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
        if (!(error instanceof Retryable) || retriesLeft === 0) return;
        // p-retry then waits its own backoff; a longer Retry-After is waited out here first.
        const extra = Math.max(0, Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) - retryDelay);
        options.onRetry?.(error.message, retryDelay + extra);
        await new Promise((r) => setTimeout(r, extra));
      },
    });
  };

  return {
    /** The movies in as few requests as the service's limits allow: at most batchMaxMovies and BODY_BUDGET bytes each. */
    async classify(movies: MovieInput[]) {
      const results: MovieResult[] = [];
      let batch: object[] = [];
      let bytes = 0;
      for (const m of movies) {
        const movie = { plot: m.plot, poster: m.poster && Buffer.from(m.poster).toString('base64') };
        const size = Buffer.byteLength(JSON.stringify(movie)) + 1;
        if (batch.length && (batch.length === LIMITS.batchMaxMovies || bytes + size > BODY_BUDGET)) {
          results.push(...(await send(batch)));
          [batch, bytes] = [[], 0];
        }
        batch.push(movie);
        bytes += size;
      }
      if (batch.length) results.push(...(await send(batch)));
      return results;
    },
    close: async () => {},
    describe: () => `${options.url}${version ? ` (model ${version})` : ''}`,
  };
}
