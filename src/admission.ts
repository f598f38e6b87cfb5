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

/** How often a waiting request looks whether its turn has come. */
const POLL_MS = 10;
/** A place in line not looked at for this long belongs to a request that is gone (canceled): it is dropped. */
const STALE_TICKET_MS = 1_000;

/**
 * A counting semaphore with a bounded, time-limited line: work beyond it is refused with 503 and
 * Retry-After instead of piling up in the isolate's 128 MB. Hand-written rather than p-limit, for workerd:
 * a request there must not wait on a promise that another request resolves (its continuation may never run,
 * and the runtime then cancels it as hung), so a waiting request polls with its own timer instead of being
 * woken; and a canceled request never gives back what it holds, so slots carry a lease and places in line
 * expire when their request stops looking.
 */
export class Admission {
  private readonly holders = new Set<{ since: number }>();
  /** Waiting requests in order of arrival, each with when it last looked. */
  private line: { seen: number }[] = [];

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
    }
  }

  /** Slots in use and requests waiting, for tests and logs. */
  get load(): { working: number; waiting: number } {
    this.prune();
    return { working: this.holders.size, waiting: this.line.length };
  }

  /** Drop slots past their lease and places in line no longer looked at. */
  private prune(): void {
    const now = Date.now();
    for (const holder of this.holders) if (now - holder.since > this.limits.leaseMs) this.holders.delete(holder);
    this.line = this.line.filter((ticket) => now - ticket.seen <= STALE_TICKET_MS);
  }

  private take(): { since: number } {
    const holder = { since: Date.now() };
    this.holders.add(holder);
    return holder;
  }

  private async acquire(): Promise<{ since: number }> {
    this.prune();
    // A newcomer does not pass those already waiting.
    if (this.line.length === 0 && this.holders.size < this.limits.slots) return this.take();
    if (this.line.length >= this.limits.queue) throw this.refusal('are waiting');
    const ticket = { seen: Date.now() };
    this.line.push(ticket);
    const deadline = ticket.seen + this.limits.maxWaitMs;
    try {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        ticket.seen = Date.now();
        this.prune();
        // The first in line take the free slots.
        if (this.line.indexOf(ticket) < this.limits.slots - this.holders.size) return this.take();
        if (Date.now() >= deadline) throw this.refusal(`have waited ${this.limits.maxWaitMs} ms`);
      }
    } finally {
      this.line = this.line.filter((t) => t !== ticket);
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
