/** Input limits of POST /predict, documented in the README and the OpenAPI description. */
export const LIMITS = {
  /** Characters of plot accepted; longer plots are refused, not silently cut. */
  plotMaxChars: 5_000,
  /** Bytes of poster accepted (file, base64-decoded, or downloaded). */
  posterMaxBytes: 5 * 1024 * 1024,
  /** Width x height of poster accepted, checked from the image header before decoding. */
  posterMaxPixels: 8_000_000,
  /** Whole request body (multipart or JSON with a base64 poster). */
  requestMaxBytes: 8 * 1024 * 1024,
  /** Time allowed to download a `posterUrl`. */
  posterUrlTimeoutMs: 5_000,
  posterUrlMaxRedirects: 3,
} as const;

export const DEFAULT_POSTER_URL_HOSTS = ['image.tmdb.org', 'cdn.discordapp.com', 'media.discordapp.net'];
