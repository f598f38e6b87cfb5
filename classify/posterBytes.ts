import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { AnswerError } from '../src/shared/answer';
import { LIMITS } from '../src/shared/limits';

const tooLarge = (): AnswerError => ({ code: 'poster_too_large', message: `poster is larger than ${LIMITS.posterMaxBytes} bytes` });

/**
 * A row's poster bytes: an http(s) URL is downloaded here (so both modes classify the same bytes and any
 * host works), anything else is a file path, relative to the CSV's folder or absolute. Empty: no poster.
 */
export async function posterBytes(cell: string | undefined, csvDir: string): Promise<Uint8Array | AnswerError | undefined> {
  const value = cell?.trim();
  if (!value) return undefined;
  if (/^https?:\/\//i.test(value)) return download(value);
  const path = isAbsolute(value) ? value : resolve(csvDir, value);
  try {
    if ((await stat(path)).size > LIMITS.posterMaxBytes) return tooLarge();
    return new Uint8Array(await readFile(path));
  } catch (err) {
    return { code: 'poster_file_unreadable', message: `cannot read poster file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

async function download(url: string): Promise<Uint8Array | AnswerError> {
  const failed = (why: string): AnswerError => ({ code: 'poster_url_failed', message: `posterUrl ${why}` });
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(LIMITS.posterUrlTimeoutMs), headers: { accept: 'image/*' } });
    if (!res.ok) {
      await res.body?.cancel();
      return failed(`answered HTTP ${res.status}`);
    }
    if (Number(res.headers.get('content-length') ?? 0) > LIMITS.posterMaxBytes) {
      await res.body?.cancel();
      return tooLarge();
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.byteLength > LIMITS.posterMaxBytes ? tooLarge() : bytes;
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return failed(timedOut ? `did not answer within ${LIMITS.posterUrlTimeoutMs} ms` : 'could not be fetched');
  }
}
