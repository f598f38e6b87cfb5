import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { errorResponse, feedbackResponse, predictResponse, type feedbackBody, type predictJsonBody, type Prediction } from '../src/shared/apiSchemas';
import type { Logger } from './log';

// The bot's calls to the Worker's API: POST /predict for /genre, POST /feedback for its "Correct genre…" menu.

/** A plot and the URL of a poster the Worker downloads (a Discord attachment): a JSON body of POST /predict. */
export type PredictInput = Pick<z.input<typeof predictJsonBody>, 'plot' | 'posterUrl'>;

/** A correction of an answer, its poster as the attachment's URL: a JSON body of POST /feedback. */
export type FeedbackInput = Pick<z.input<typeof feedbackBody>, 'plot' | 'posterUrl' | 'predicted' | 'genre' | 'modelVersion'>;

export interface WorkerClientOptions {
  /** Full URL of the route: the Worker's POST /predict or POST /feedback. */
  url: string;
  /** Bearer token, when the Worker has API_TOKEN set. */
  token?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Wait before the single retry, unless the answer's Retry-After asks for longer (capped). */
  retryDelayMs: number;
}

/**
 * timeout: no answer in time (not retried: a slow Worker is busy, a second wait would only double the user's);
 * unavailable: unreachable, 5xx or an answer of the wrong shape, after the retry; rejected: a 4xx the Worker
 * gives for the input (400, 413, 422); misconfigured: any other 4xx (401 token, 404/405 URL, 415), which
 * refuses the bot itself, whatever the input.
 */
export class WorkerError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unavailable' | 'rejected' | 'misconfigured',
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
const INPUT_STATUS = new Set([400, 413, 422]);
const MAX_RETRY_AFTER_MS = 5_000;

/** Aborting `signal` stops the request and any retry at once; the call then rejects with the signal's reason. */
export type WorkerCall<I, O> = (input: I, signal?: AbortSignal) => Promise<O>;
export type PredictFn = WorkerCall<PredictInput, Prediction>;
export type FeedbackFn = WorkerCall<FeedbackInput, z.infer<typeof feedbackResponse>>;

/** POSTs JSON to one route of the Worker, the answer validated by `schema`; `name` is for the logs. */
function createWorkerCall<I, S extends z.ZodType>(options: WorkerClientOptions, schema: S, name: string, log: Logger): WorkerCall<I, z.infer<S>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };

  /** One attempt: the answer, or the delay after which a retry makes sense, or a final error. */
  async function attempt(input: I, stop: AbortSignal | undefined): Promise<{ answer: z.infer<S> } | { retryAfterMs: number; error: WorkerError }> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
    let res: Response;
    try {
      res = await fetch(options.url, { method: 'POST', headers, body: JSON.stringify(input), signal });
    } catch (err) {
      stop?.throwIfAborted();
      if ((err as Error).name === 'TimeoutError') throw new WorkerError('timeout', `no answer within ${options.timeoutMs} ms`);
      return { retryAfterMs: options.retryDelayMs, error: new WorkerError('unavailable', `cannot reach the classifier: ${(err as Error).cause ?? err}`) };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (err) {
      stop?.throwIfAborted();
      if ((err as Error).name === 'TimeoutError') throw new WorkerError('timeout', `no answer within ${options.timeoutMs} ms`);
      json = undefined;
    }
    if (res.ok) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return { answer: parsed.data };
      throw new WorkerError('unavailable', 'the classifier answered with an unexpected body', res.status);
    }
    const error = errorResponse.safeParse(json).data?.error ?? { code: 'http_error', message: `HTTP ${res.status}` };
    if (INPUT_STATUS.has(res.status)) throw new WorkerError('rejected', error.message, res.status, error.code);
    if (res.status < 500 && res.status !== 429) {
      log.error('the classifier refuses the bot: a configuration problem, check PREDICT_URL and PREDICT_TOKEN', { status: res.status, code: error.code });
      throw new WorkerError('misconfigured', error.message, res.status, error.code);
    }
    const failure = new WorkerError('unavailable', error.message, res.status, error.code);
    if (!TRANSIENT_STATUS.has(res.status)) throw failure;
    const retryAfterS = Number(res.headers.get('retry-after'));
    const retryAfterMs = Number.isFinite(retryAfterS) ? Math.min(retryAfterS * 1000, MAX_RETRY_AFTER_MS) : 0;
    return { retryAfterMs: Math.max(options.retryDelayMs, retryAfterMs), error: failure };
  }

  return async (input, signal) => {
    const first = await attempt(input, signal);
    if ('answer' in first) return first.answer;
    log.warn(`${name} failed, retrying once`, { error: first.error.message, status: first.error.status, retryInMs: first.retryAfterMs });
    // sleep rejects with an AbortError of its own; rethrow the signal's reason, as an aborted fetch does.
    await sleep(first.retryAfterMs, undefined, { signal }).catch(() => signal?.throwIfAborted());
    const second = await attempt(input, signal);
    if ('retryAfterMs' in second) throw second.error;
    return second.answer;
  };
}

export const createPredictClient = (options: WorkerClientOptions, log: Logger): PredictFn => createWorkerCall(options, predictResponse, 'predict', log);

/** Retried as /predict is: a correction stored twice after an ambiguous 502 or 504 is a duplicate row, a lost one is gone. */
export const createFeedbackClient = (options: WorkerClientOptions, log: Logger): FeedbackFn => createWorkerCall(options, feedbackResponse, 'feedback', log);
