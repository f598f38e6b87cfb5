import { ApiError } from './apiError';
import { DEFAULT_POSTER_URL_HOSTS, LIMITS } from './shared/limits';

const tooLarge = () => new ApiError(413, 'poster_too_large', `poster is larger than ${LIMITS.posterMaxBytes} bytes`);

export async function posterFromFile(file: File): Promise<Uint8Array> {
  if (file.size > LIMITS.posterMaxBytes) throw tooLarge();
  return new Uint8Array(await file.arrayBuffer());
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** RFC 2397: `data:` and `;base64` in any case, with or without a media type and its parameters (`;charset=...`). */
const DATA_URL_PREFIX = /^data:[^,]*;base64,/i;

/** Standard base64, optionally as a base64 `data:` URL; whitespace is ignored. */
export function posterFromBase64(text: string): Uint8Array {
  const payload = text.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (payload.length === 0 || payload.length % 4 !== 0 || !BASE64.test(payload)) {
    throw new ApiError(400, 'invalid_base64', 'poster is not valid base64');
  }
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  if ((payload.length / 4) * 3 - padding > LIMITS.posterMaxBytes) throw tooLarge();
  // Buffer (nodejs_compat) decodes natively; atob + Uint8Array.from costs ~50 ms per 500 KB in a callback a byte.
  const bytes = Buffer.from(payload, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The origins (scheme, host and port) a posterUrl may point at, from POSTER_URL_HOSTS: a bare host means
 * https on its default port (`image.tmdb.org`), `host:port` https on that port, and a full origin
 * (`http://127.0.0.1:8080`) itself. Unset: DEFAULT_POSTER_URL_HOSTS.
 */
export function allowedOrigins(setting: string | undefined): ReadonlySet<string> {
  const entries = setting?.split(',').map((h) => h.trim()).filter(Boolean);
  return new Set(
    (entries?.length ? entries : DEFAULT_POSTER_URL_HOSTS).map((entry) => {
      try {
        return new URL(entry.includes('://') ? entry : `https://${entry}`).origin;
      } catch {
        throw new Error(`POSTER_URL_HOSTS entry "${entry}" is neither a host, a host:port nor an origin`);
      }
    }),
  );
}

function checkUrl(raw: string, origins: ReadonlySet<string>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError(400, 'invalid_poster_url', 'posterUrl is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiError(400, 'invalid_poster_url', 'posterUrl must be http or https');
  }
  // The allowed origins are configuration, not for clients to map: the message names only the refused one.
  if (!origins.has(url.origin)) throw new ApiError(400, 'poster_url_not_allowed', `posterUrl ${url.origin} is not a host posters are downloaded from`);
  return url;
}

async function readCapped(body: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Download a poster from an allow-listed origin, following redirects by hand so that each hop is
 * checked against the allow-list too (a redirect must not lead to an internal address).
 */
export async function posterFromUrl(raw: string, hostSetting: string | undefined): Promise<Uint8Array> {
  const origins = allowedOrigins(hostSetting);
  let url = checkUrl(raw, origins);
  const signal = AbortSignal.timeout(LIMITS.posterUrlTimeoutMs);
  try {
    for (let hop = 0; hop <= LIMITS.posterUrlMaxRedirects; hop++) {
      const res = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'image/*' } });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        url = checkUrl(new URL(location, url).href, origins);
        continue;
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new ApiError(422, 'poster_url_failed', `posterUrl answered HTTP ${res.status}`);
      }
      if (Number(res.headers.get('content-length') ?? 0) > LIMITS.posterMaxBytes) {
        await res.body.cancel();
        throw tooLarge();
      }
      return await readCapped(res.body, LIMITS.posterMaxBytes);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const timedOut = (err as Error).name === 'TimeoutError' || signal.aborted;
    throw new ApiError(422, 'poster_url_failed', timedOut ? `posterUrl did not answer within ${LIMITS.posterUrlTimeoutMs} ms` : 'posterUrl could not be fetched');
  }
  throw new ApiError(422, 'poster_url_failed', `posterUrl redirected more than ${LIMITS.posterUrlMaxRedirects} times`);
}
