import { DISCORD_CDN_HOSTS } from './discord/endpoints';
import type { DecodeLimits } from './imageDecode';

/** Input limits of POST /predict, documented in docs/api.md and the OpenAPI description. */
export const LIMITS = {
  /**
   * Characters of plot accepted; longer plots are refused. The text model reads the first 1,000 words
   * (about 5,500 characters of English, so nearly always all of it); the answer's `plotWords` says when not.
   */
  plotMaxChars: 5_000,
  /** Bytes of poster accepted (file, base64-decoded, or downloaded). */
  posterMaxBytes: 5 * 1024 * 1024,
  /**
   * Width x height of poster accepted, checked from the image header before decoding. The isolate has
   * 128 MB and the models' WASM heap takes about 40 MB (GET /health); decoding a 2-megapixel JPEG peaks at about 55 MB
   * (4:2:0) to 85 MB (4:4:4) of process memory in Node (`npm run bench:decode`).
   */
  posterMaxPixels: 2_000_000,
  /** Longest side accepted (the resize cost grows with it even at a small pixel count). */
  posterMaxSide: 4_096,
  /**
   * jpeg-js's own count of what it may allocate per JPEG, computed from the header before decoding: admits
   * 4:2:0 JPEGs up to about 1.2 megapixels (TMDB's w780 posters need 13.4) and 4:4:4 up to about 0.75.
   */
  posterJpegMemoryMB: 16,
  /** Whole request body (multipart or JSON with a base64 poster). */
  requestMaxBytes: 8 * 1024 * 1024,
  /**
   * Movies in one POST /predict/batch. Its body has the same byte limit as one /predict (requestMaxBytes), so
   * a batch holds no more poster bytes in memory than one request; the movies are answered one after another.
   */
  batchMaxMovies: 100,
  /** Characters of a batch movie's `id`. */
  batchIdMaxChars: 200,
  /** Time allowed to download a `posterUrl`. */
  posterUrlTimeoutMs: 5_000,
  posterUrlMaxRedirects: 3,
} as const;

/**
 * How much poster work one isolate takes on at once (src/admission.ts). An isolate has 128 MB for its JS
 * heap, its ArrayBuffers and its WASM heaps together, and serves several requests at once. The budget,
 * measured by `npm run bench:memory` (2026-12-08) with the costliest poster accepted (5 MiB, a 4:4:4 JPEG at
 * the decoding budget) arriving 1 to 16 at a time:
 *
 *   onnxruntime's WASM heap, models loaded      42.3 MB   GET /health wasmHeapBytes; never shrinks
 *   the WebP decoder's WASM heap                16.8 MB   from the first WebP poster on; never shrinks
 *   JS heap + ArrayBuffers, idle                14.2 MB   the models' JS side, the app
 *   one poster request in work, at its peak   <=44 MB   body, poster bytes, decoder buffers, tensors (43.3)
 *   -------------------------------------------------
 *   peak at concurrency 1 to 16               <=117 MB   116.6 measured; the others wait, bodies unread
 *
 * Before this bound (issue 25), JS heap alone grew with concurrency: 20.5 / 60.6 / 114 / 221 MB at 1 / 4 / 8 /
 * 16. A second slot would add another request's body and poster (12 MB for a JSON poster) on top of the
 * one decoding, past 128 MB: one slot. The CPU is one thread per isolate, so one slot costs little
 * throughput; more load is spread over more isolates by Cloudflare. docs/decisions/serving-admission.md.
 */
export const ADMISSION = {
  /** Poster requests that read their body, download, decode and classify at once. */
  slots: 1,
  /** Poster requests waiting for a slot, their bodies unread; one more gets 503 with Retry-After. */
  queue: 16,
  /** Longest wait in line: about what the line takes to drain at a poster every ~0.5 s. */
  maxWaitMs: 10_000,
  /** A slot not given back within this (its request canceled) is taken back: longer than any request takes. */
  leaseMs: 30_000,
  retryAfterS: 2,
  /**
   * A body up to this size carries no poster (a plot, or a posterUrl, which takes its slot to download) and
   * needs no slot: plot-only requests never wait behind posters.
   */
  lightBodyBytes: 64 * 1024,
} as const;

/** The decoder limits of a poster sent to the Worker; the bot checks the first two against Discord's reported size. */
export const POSTER_DECODE_LIMITS: DecodeLimits = {
  maxPixels: LIMITS.posterMaxPixels,
  maxSide: LIMITS.posterMaxSide,
  maxJpegMemoryMB: LIMITS.posterJpegMemoryMB,
};

/** Hosts a `posterUrl` may point at (https, default port) when POSTER_URL_HOSTS is unset: TMDB's images, and Discord's attachments (both Discord modes send those). */
export const DEFAULT_POSTER_URL_HOSTS: readonly string[] = ['image.tmdb.org', ...DISCORD_CDN_HOSTS];
