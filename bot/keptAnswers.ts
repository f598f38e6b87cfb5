import { LRUCache } from 'lru-cache';
import { KEPT_ANSWER_TTL_MS, newAnswerKey, type KeptAnswer } from '../src/shared/discord/genreFeedback';

/**
 * The gateway bot's /genre answers, kept in memory for a day so that the "Correct genre…" menu under each can
 * send a correction. Bounded: past `maxEntries` answers or `maxChars` characters of plots and URLs, the least
 * recently used go first. A restart forgets them all; a choice in an older menu then gets the "too old" answer.
 */
export interface KeptAnswers {
  /** Keeps `answer` and returns the key its menu carries. */
  keep(answer: KeptAnswer): string;
  /** The answer kept under `key`, unless unknown, evicted or older than the time limit. */
  find(key: string): KeptAnswer | undefined;
}

export interface KeptAnswersOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** Characters of plots and poster URLs held at most (a plot is at most 5,000): about twice as many bytes. */
  maxChars?: number;
  /** The clock of the time limit; tests pass their own. */
  now?: () => number;
}

export function createKeptAnswers(options: KeptAnswersOptions = {}): KeptAnswers {
  const cache = new LRUCache<string, KeptAnswer>({
    max: options.maxEntries ?? 20_000,
    maxSize: options.maxChars ?? 16 * 1024 * 1024,
    // The fields' lengths, plus a little for the entry itself (lru-cache needs a positive size).
    sizeCalculation: (a) => 100 + (a.plot?.length ?? 0) + (a.posterUrl?.length ?? 0) + a.modelVersion.length,
    ttl: options.ttlMs ?? KEPT_ANSWER_TTL_MS,
    // A given clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  return {
    keep(answer) {
      const key = newAnswerKey();
      cache.set(key, answer);
      return key;
    },
    find: (key) => cache.get(key),
  };
}
