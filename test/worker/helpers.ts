import { createExecutionContext, type D1Migration } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { inject } from 'vitest';
import { app } from '../../src/app';
import type { Env } from '../../src/env';
import type { Health } from '../../src/shared/apiSchemas';
import { objectKey, type ModelKey, type ModelManifest } from '../../src/shared/modelManifest';

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

/** The app with other bindings than wrangler.toml's (a secret set, CORS configured). */
export const callWithEnv = (path: string, init: RequestInit, bindings: object) => app.request(path, init, bindings, createExecutionContext());

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

/** The manifest.json that `putModels()` publishes. */
export const publishedManifest = (): ModelManifest => JSON.parse(new TextDecoder().decode(fromB64(inject('models')['manifest.json'])));

export const sha256Hex = async (bytes: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

/** The published bytes of one model file. */
export const publishedFile = (key: ModelKey) => fromB64(inject('models')[objectKey(publishedManifest().models[key])]);

/**
 * A model file that differs from the published one and computes the same: an ONNX metadata entry appended
 * (a protobuf message may be extended by appending fields; this is ModelProto's metadata_props, field 14).
 */
export function retagged(key: ModelKey, tag: string): Uint8Array {
  const text = new TextEncoder().encode(tag);
  const entry = [0x0a, 1, 0x76, 0x12, text.length, ...text]; // StringStringEntryProto { key: "v", value: tag }
  return new Uint8Array([...publishedFile(key), 0x72, entry.length, ...entry]);
}

/**
 * Publish a new version into this test file's bucket as `models:publish` does: each changed file under its
 * own sha256, then manifest.json. `files` are the changed models; the others keep the files of `base`.
 * `stored` puts other bytes under a file's key than the manifest names (a corrupt or replaced object).
 */
export async function publishVersion(
  version: string,
  files: Partial<Record<ModelKey, Uint8Array>> = {},
  { base = publishedManifest(), stored = {} as Partial<Record<ModelKey, Uint8Array | null>> } = {},
): Promise<ModelManifest> {
  const models = { ...base.models };
  for (const [key, bytes] of Object.entries(files) as [ModelKey, Uint8Array][]) {
    models[key] = { ...models[key], sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
    await testEnv.MODELS.put(objectKey(models[key]), bytes);
  }
  for (const [key, bytes] of Object.entries(stored) as [ModelKey, Uint8Array | null][]) {
    if (bytes) await testEnv.MODELS.put(objectKey(models[key]), bytes);
    else await testEnv.MODELS.delete(objectKey(models[key]));
  }
  const manifest = { ...base, version, models };
  await testEnv.MODELS.put('manifest.json', JSON.stringify(manifest));
  return manifest;
}

/** The same bytes with every byte changed: same size, another sha256. */
export const corrupted = (bytes: Uint8Array) => bytes.map((b) => b ^ 0x5a);

/** A file whose sha256 the manifest can name but that onnxruntime cannot load. */
export const notOnnx = new TextEncoder().encode('not an ONNX model, though manifest.json names its sha256');

export async function health(): Promise<Health & { httpStatus: number }> {
  const res = await call('/health');
  return { httpStatus: res.status, ...((await res.json()) as Health) };
}

/** The JSON log lines the Worker printed through `console.<method>` since `spy` was made. */
export const logLines = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map(([line]) => {
    try {
      return JSON.parse(String(line)) as Record<string, unknown>;
    } catch {
      return {};
    }
  });
