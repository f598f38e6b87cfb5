import type { D1Migration } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { inject } from 'vitest';
import type { Env } from '../../src/env';

export const testEnv = env as unknown as Env & { POSTER_SERVER: string; TEST_MIGRATIONS: D1Migration[] };

export const fromB64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/**
 * Fill this test file's R2 bucket with the served models (manifest last, as publish does). Overrides are
 * by file name (`text_encoder.onnx`, `manifest.json`): they replace what is stored under that file's key.
 */
export async function putModels(overrides: Record<string, Uint8Array | string> = {}): Promise<void> {
  const models = inject('models');
  const keys = Object.keys(models).sort((a, b) => Number(a === 'manifest.json') - Number(b === 'manifest.json'));
  const override = (key: string) => overrides[key.split('/').pop()!];
  for (const key of keys) await testEnv.MODELS.put(key, override(key) ?? fromB64(models[key]));
}

export const call = (path: string, init?: RequestInit) =>
  (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default.fetch(new Request(`http://worker${path}`, init));

export const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  call('/predict', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export function postForm(fields: { plot?: string; poster?: Uint8Array; posterName?: string }, headers: Record<string, string> = {}) {
  const form = new FormData();
  if (fields.plot !== undefined) form.set('plot', fields.plot);
  if (fields.poster) form.set('poster', new File([fields.poster], fields.posterName ?? 'poster.jpg', { type: 'image/jpeg' }));
  return call('/predict', { method: 'POST', body: form, headers });
}

export interface ErrorJson {
  error: { code: string; message: string };
}

/** Asserts the uniform error shape and returns it. */
export async function errorOf(res: Response): Promise<ErrorJson['error'] & { status: number }> {
  const body = (await res.json()) as ErrorJson;
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return { status: res.status, ...body.error };
}
