import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './apiError';
import type { AppEnv } from './env';
import { ADMISSION } from './shared/limits';

export interface AdmissionLimits {
  /** Requests working at once. */
  slots: number;
  /** Requests waiting for a slot; one more is refused at once. */
  queue: number;
  /** Longest wait for a slot before the request is refused. */
  maxWaitMs: number;
  /** A slot held longer than this is taken back (its request was canceled and never released it). */
  leaseMs: number;
  /** Retry-After of the 503 refusal. */
  retryAfterS: number;
}

/**
 * A counting semaphore with a bounded, time-limited line: work beyond it is refused with 503 and
 * Retry-After instead of piling up in the isolate's 128 MB. Hand-written rather than p-limit: workerd drops
 * the pending continuations of a canceled request (a client that hangs up), so a slot handed to one, or
 * held by one, would never come back; here slots carry a lease, and a release wakes every waiter, each of
 * which takes a slot only when it runs.
 */
export class Admission {
  private readonly holders = new Set<{ since: number }>();
  private waiters: (() => void)[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * Run `work` in a slot, at once or after waiting in line; an ApiError 503 `overloaded` when refused. Work
   * made of steps that together may outlast the lease (a batch) calls `renew` before each step.
   */
  async run<T>(work: (lease: Lease) => Promise<T>): Promise<T> {
    const holder = await this.acquire();
    try {
      return await work({ renew: () => (holder.since = Date.now()) });
    } finally {
      this.holders.delete(holder);
      const woken = this.waiters;
      this.waiters = [];
      for (const wake of woken) wake();
    }
  }

  /** Slots in use and requests waiting, for tests and logs. */
  get load(): { working: number; waiting: number } {
    return { working: this.holders.size, waiting: this.waiters.length };
  }

  private hasFreeSlot(): boolean {
    const now = Date.now();
    for (const holder of this.holders) if (now - holder.since > this.limits.leaseMs) this.holders.delete(holder);
    return this.holders.size < this.limits.slots;
  }

  private take(): { since: number } {
    const holder = { since: Date.now() };
    this.holders.add(holder);
    return holder;
  }

  private async acquire(): Promise<{ since: number }> {
    // A newcomer does not pass those already waiting.
    if (this.waiters.length === 0 && this.hasFreeSlot()) return this.take();
    if (this.waiters.length >= this.limits.queue) throw this.refusal('are waiting');
    const deadline = Date.now() + this.limits.maxWaitMs;
    for (;;) {
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.waiters.push(wake);
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      await woken;
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== wake);
      if (this.hasFreeSlot()) return this.take();
      if (Date.now() >= deadline) throw this.refusal(`have waited ${this.limits.maxWaitMs} ms`);
    }
  }

  private refusal(why: string): ApiError {
    return new ApiError(503, 'overloaded', `this instance is busy: ${this.limits.queue} requests with posters ${why}; try again in ${this.limits.retryAfterS} s`, {
      'retry-after': String(this.limits.retryAfterS),
    });
  }
}

/** A held slot: `renew` restarts its lease. */
export interface Lease {
  renew(): void;
}

/** The isolate's poster work: reading a large body, downloading a posterUrl, decoding, the models. */
export const posterWork = new Admission(ADMISSION);

/**
 * Takes a slot of `admission` before a body that may hold a poster is read (over `lightBodyBytes`, or of
 * unknown length), so that waiting requests hold no body in memory; the slot is kept until the answer.
 */
export function admitLargeBodies(admission: Admission, lightBodyBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (c.req.method !== 'POST' || (length !== undefined && Number(length) <= lightBodyBytes)) return next();
    await admission.run((lease) => {
      c.set('admitted', lease);
      return next();
    });
  };
}

/**
 * Run poster work in a slot of `admission`, unless this request already holds one (a large body), whose
 * lease it then renews: a batch does one movie's poster work after another in the slot its body took.
 */
export function inSlot<T>(c: Context<AppEnv>, admission: Admission, work: () => Promise<T>): Promise<T> {
  const held = c.get('admitted');
  if (!held) return admission.run(work);
  held.renew();
  return work();
}
