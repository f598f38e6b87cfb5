import { sha256Hex } from './digest';
import type { Prediction } from './shared/apiSchemas';

/**
 * Answers of POST /predict (and each /predict/batch item) kept in the Workers Cache API, keyed by what
 * decides an answer: the Worker's deployed version (the answer's code), the model version, the plot as the
 * model reads it and the poster's bytes (whether sent as a file, base64 or a posterUrl). Only custom
 * domains have a working Cache API in production; elsewhere (workers.dev) `put` and `match` do nothing and
 * every request is a miss (docs/api.md).
 */

/** How long an answer is kept: any later model version misses anyway, since the key holds the version. */
const TTL_S = 24 * 60 * 60;

/** RFC 9211's name for this cache in the Cache-Status header. */
export const CACHE_NAME = 'genre-classifier';

/** The Cache-Status header of an answer: read from the cache, or computed (not found, or the request asked for it). */
export const cacheStatus = (cache: 'hit' | 'miss' | 'request') => `${CACHE_NAME}; ${cache === 'hit' ? 'hit' : `fwd=${cache}`}`;

export interface CacheKeyParts {
  /** The Worker version (CF_VERSION_METADATA.id): a deploy with other answer code never reads older answers. */
  workerVersion: string;
  modelVersion: string;
  plot?: string;
  /** sha256Hex of the poster's bytes. */
  posterSha256?: string;
}

/** The cache entry's URL, on the Worker's own origin (Cloudflare keys the cache by URL, per zone). */
export async function cacheUrl(origin: string, parts: CacheKeyParts): Promise<string> {
  const key = await sha256Hex(JSON.stringify([parts.workerVersion, parts.modelVersion, parts.plot ?? null, parts.posterSha256 ?? null]));
  return new URL(`/_cache/predict/${key}`, origin).href;
}

export async function cachedAnswer(url: string): Promise<Prediction | undefined> {
  const hit = await caches.default.match(url);
  return hit ? ((await hit.json()) as Prediction) : undefined;
}

export function storeAnswer(url: string, prediction: Prediction): Promise<void> {
  const body = JSON.stringify(prediction);
  return caches.default.put(url, new Response(body, { headers: { 'content-type': 'application/json', 'cache-control': `max-age=${TTL_S}` } }));
}
