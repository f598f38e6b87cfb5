import type { InferenceSession } from 'onnxruntime-web/wasm';
import { ApiError } from './apiError';
import { createSession } from './ortRuntime';
import { modelManifestSchema, type FileEntry, type ModelKey, type ModelManifest } from './shared/modelManifest';
import { TextTokenizer } from './shared/textTokens';

export interface LoadedModels {
  manifest: ModelManifest;
  tokenizer: TextTokenizer;
  sessions: Record<ModelKey, InferenceSession>;
  /** Milliseconds the load took (R2 reads, sha256 checks, session creation). */
  loadMs: number;
}

const MODEL_KEYS: ModelKey[] = ['textEncoder', 'imageEncoder', 'textHead', 'imageHead', 'fusionHead'];

const unavailable = (message: string) => new ApiError(503, 'model_unavailable', message);

async function readObject(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) throw unavailable(`model file "${key}" is missing from the R2 bucket; run \`npm run models:publish\``);
  return new Uint8Array(await object.arrayBuffer());
}

async function readVerified(bucket: R2Bucket, entry: FileEntry): Promise<Uint8Array> {
  const bytes = await readObject(bucket, entry.file);
  const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
  if (bytes.byteLength !== entry.bytes || digest !== entry.sha256) {
    throw unavailable(`model file "${entry.file}" does not match manifest.json (sha256 ${digest.slice(0, 12)}…, ${bytes.byteLength} bytes); republish the models`);
  }
  return bytes;
}

/** manifest.json from the bucket, validated; a 503 ApiError when missing or invalid. */
export async function readManifest(bucket: R2Bucket): Promise<ModelManifest> {
  const text = new TextDecoder().decode(await readObject(bucket, 'manifest.json'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unavailable('manifest.json in the R2 bucket is not valid JSON');
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) throw unavailable(`manifest.json in the R2 bucket is invalid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function load(bucket: R2Bucket): Promise<LoadedModels> {
  const started = Date.now();
  const manifest = await readManifest(bucket);
  const decodeJson = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as object;
  const [tokenizerJson, tokenizerConfig] = await Promise.all([
    readVerified(bucket, manifest.text.tokenizer).then(decodeJson),
    readVerified(bucket, manifest.text.tokenizerConfig).then(decodeJson),
  ]);
  const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig, manifest.text);

  const sessions: Partial<Record<ModelKey, InferenceSession>> = {};
  try {
    // One at a time: each file is dropped once its session exists, keeping peak memory low.
    for (const key of MODEL_KEYS) {
      const bytes = await readVerified(bucket, manifest.models[key]);
      try {
        sessions[key] = await createSession(bytes);
      } catch (err) {
        throw unavailable(`model file "${manifest.models[key].file}" could not be loaded by onnxruntime: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    throw err;
  }
  return { manifest, tokenizer, sessions: sessions as Record<ModelKey, InferenceSession>, loadMs: Date.now() - started };
}

let current: Promise<LoadedModels> | undefined;
let loaded: LoadedModels | undefined;
let loads = 0;

/**
 * The models of this isolate, loaded once: concurrent first requests share one load, and a failed
 * load is forgotten so that the next request tries again.
 */
export function getModels(bucket: R2Bucket): Promise<LoadedModels> {
  if (!current) {
    loads++;
    current = load(bucket).then(
      (models) => (loaded = models),
      (err) => {
        current = undefined;
        throw err;
      },
    );
  }
  return current;
}

/** State for /health, without triggering a load. */
export function modelStatus(): { loaded: boolean; version?: string; loads: number; loadMs?: number } {
  return loaded ? { loaded: true, version: loaded.manifest.version, loads, loadMs: loaded.loadMs } : { loaded: false, loads };
}
