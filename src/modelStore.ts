import { ApiError } from './apiError';
import { sha256Hex } from './digest';
import { createSession, ort } from './ortRuntime';
import { GenreClassifier } from './shared/classifier';
import { modelManifestSchema, objectKey, type FileEntry, type ModelManifest } from './shared/modelManifest';
import type { Env } from './env';

export interface LoadedModels {
  manifest: ModelManifest;
  classifier: GenreClassifier;
  /** Milliseconds the load took (R2 reads, sha256 checks, session creation). */
  loadMs: number;
}

const unavailable = (message: string) => new ApiError(503, 'model_unavailable', message);

async function getObject(bucket: R2Bucket, key: string): Promise<R2ObjectBody> {
  const object = await bucket.get(key);
  if (!object) throw unavailable(`model file "${key}" is missing from the R2 bucket; run \`npm run models:publish\``);
  return object;
}

async function readVerified(bucket: R2Bucket, entry: FileEntry): Promise<Uint8Array> {
  const bytes = new Uint8Array(await (await getObject(bucket, objectKey(entry))).arrayBuffer());
  const digest = await sha256Hex(bytes);
  if (bytes.byteLength !== entry.bytes || digest !== entry.sha256) {
    throw unavailable(`model file "${entry.file}" does not match manifest.json (sha256 ${digest.slice(0, 12)}…, ${bytes.byteLength} bytes); republish the models`);
  }
  return bytes;
}

/** manifest.json from the bucket, validated; a 503 ApiError when missing or invalid. */
export async function readManifest(bucket: R2Bucket): Promise<ModelManifest> {
  return (await manifestObject(bucket)).manifest;
}

async function manifestObject(bucket: R2Bucket): Promise<{ manifest: ModelManifest; etag: string }> {
  const object = await getObject(bucket, 'manifest.json');
  const text = await object.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unavailable('manifest.json in the R2 bucket is not valid JSON');
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) throw unavailable(`manifest.json in the R2 bucket is invalid: ${parsed.error.issues[0]?.message}`);
  return { manifest: parsed.data, etag: object.etag };
}

/** The models of one manifest.json, and the requests using them (their sessions are released after the last). */
interface Slot {
  models: LoadedModels;
  etag: string;
  users: number;
  retired: boolean;
}

async function load(bucket: R2Bucket): Promise<Slot> {
  const started = Date.now();
  const { manifest, etag } = await manifestObject(bucket);
  const classifier = await GenreClassifier.load(
    ort,
    manifest,
    (entry) => readVerified(bucket, entry),
    async (bytes, key) => {
      try {
        return await createSession(bytes);
      } catch (err) {
        throw unavailable(`model file "${manifest.models[key].file}" could not be loaded by onnxruntime: ${(err as Error).message}`);
      }
    },
  );
  return { models: { manifest, classifier, loadMs: Date.now() - started }, etag, users: 0, retired: false };
}

/** How often a loaded isolate asks R2 (one HEAD) whether manifest.json changed: MODEL_RECHECK_SECONDS, default 30. */
function recheckMs(env: ModelEnv): number {
  const seconds = Number(env.MODEL_RECHECK_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
}

export type ModelEnv = Pick<Env, 'MODELS' | 'MODEL_RECHECK_SECONDS'>;

let first: Promise<Slot> | undefined;
let serving: Slot | undefined;
let reloading: Promise<void> | undefined;
let checkedAt = 0;
let loads = 0;

/** The first load: concurrent first requests share it, and a failed one is forgotten so that the next request retries. */
function firstLoad(bucket: R2Bucket): Promise<Slot> {
  if (!first) {
    loads++;
    first = load(bucket).then(
      (slot) => {
        checkedAt = Date.now();
        return (serving = slot);
      },
      (err) => {
        first = undefined;
        throw err;
      },
    );
  }
  return first;
}

/** Free a replaced version's WASM memory; a failure is logged, never passed on to the request that triggered it. */
async function release(slot: Slot): Promise<void> {
  try {
    await slot.models.classifier.release();
  } catch (err) {
    console.error(JSON.stringify({ level: 'warn', msg: 'releasing replaced models failed', version: slot.models.manifest.version, error: String(err) }));
  }
}

/**
 * After a republish: the first request past the recheck interval sees the new manifest.json etag and
 * loads the new models before it answers, while other requests keep using the old ones. The old
 * sessions are released once their last request is done (WASM memory is not garbage-collected). A
 * failed reload keeps the loaded version and is tried again after the next interval.
 */
async function refresh(env: ModelEnv): Promise<void> {
  const old = serving;
  if (!old || reloading || Date.now() - checkedAt < recheckMs(env)) return;
  checkedAt = Date.now();
  reloading = (async () => {
    const head = await env.MODELS.head('manifest.json');
    if (!head || head.etag === old.etag) return;
    loads++;
    serving = await load(env.MODELS);
    old.retired = true;
    if (old.users === 0) await release(old);
  })()
    .catch((err) => {
      console.error(JSON.stringify({ level: 'warn', msg: 'model reload failed; still serving the loaded version', version: old.models.manifest.version, error: String(err) }));
    })
    .finally(() => (reloading = undefined));
  await reloading;
}

/**
 * Run `use` with this isolate's models, loaded once from R2 and reloaded when manifest.json changes.
 * The models stay valid until `use` settles, even if a newer version replaces them meanwhile.
 */
export async function withModels<T>(env: ModelEnv, use: (models: LoadedModels) => Promise<T>): Promise<T> {
  await firstLoad(env.MODELS);
  await refresh(env);
  const slot = serving!;
  slot.users++;
  try {
    return await use(slot.models);
  } finally {
    slot.users--;
    if (slot.retired && slot.users === 0) await release(slot);
  }
}

/** The model version requests are answered with now: loaded (and rechecked for a republish) if need be. */
export async function servingVersion(env: ModelEnv): Promise<string> {
  await firstLoad(env.MODELS);
  await refresh(env);
  return serving!.models.manifest.version;
}

/** State for /health, without triggering a load. */
export function modelStatus(): { loaded: boolean; version?: string; loads: number; loadMs?: number } {
  return serving ? { loaded: true, version: serving.models.manifest.version, loads, loadMs: serving.models.loadMs } : { loaded: false, loads };
}
