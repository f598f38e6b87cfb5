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
  /** jpeg-js's own count of what it may allocate per JPEG: admits 4:2:0 JPEGs up to about 1.5 and 4:4:4 up to about 1 megapixel. */
  posterJpegMemoryMB: 24,
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

/** The decoder limits of a poster sent to the Worker; the bot checks the first two against Discord's reported size. */
export const POSTER_DECODE_LIMITS: DecodeLimits = {
  maxPixels: LIMITS.posterMaxPixels,
  maxSide: LIMITS.posterMaxSide,
  maxJpegMemoryMB: LIMITS.posterJpegMemoryMB,
};

/** Hosts a `posterUrl` may point at when POSTER_URL_HOSTS is unset: TMDB's images, and Discord's attachments (both Discord modes send those). */
export const DEFAULT_POSTER_URL_HOSTS: readonly string[] = ['image.tmdb.org', ...DISCORD_CDN_HOSTS];
