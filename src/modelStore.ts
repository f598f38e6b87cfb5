import { ApiError } from './apiError';
import type { InferenceSession } from 'onnxruntime-web/wasm';
import { sha256Hex } from './digest';
import { createSession, ort, wasmHeapBytes } from './ortRuntime';
import type { Health } from './shared/apiSchemas';
import { GenreClassifier, ModelUnavailableError } from './shared/classifier';
import { MODEL_KEYS, modelManifestSchema, objectKey, type FileEntry, type ModelKey, type ModelManifest } from './shared/modelManifest';
import type { Env } from './env';
import { log } from './log';

/**
 * This isolate's models: manifest.json and the ONNX files it names, read from R2, checked against their
 * sha256 and turned into onnxruntime-web sessions; reloaded when a new manifest.json is published. The
 * design and its WASM heap figures: docs/decisions/serving-model-reload.md.
 */

export interface LoadedModels {
  manifest: ModelManifest;
  classifier: GenreClassifier;
  /** Milliseconds the load took (R2 reads, sha256 checks, session creation). */
  loadMs: number;
}

export type ModelEnv = Pick<Env, 'MODELS' | 'MODEL_RECHECK_SECONDS'>;

const unavailable = (message: string) => new ApiError(503, 'model_unavailable', message);
const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function readVerified(bucket: R2Bucket, entry: FileEntry): Promise<Uint8Array> {
  const object = await bucket.get(objectKey(entry));
  if (!object) throw new Error(`model file "${entry.file}" is missing from the R2 bucket; run \`npm run models:publish\``);
  const bytes = new Uint8Array(await object.arrayBuffer());
  const digest = await sha256Hex(bytes);
  if (bytes.byteLength !== entry.bytes || digest !== entry.sha256) {
    throw new Error(`model file "${entry.file}" does not match manifest.json (sha256 ${digest.slice(0, 12)}…, ${bytes.byteLength} bytes); republish the models`);
  }
  return bytes;
}

/** Which upload of manifest.json an object is: a re-put of the same bytes counts as a new one (publishing puts it last). */
const uploadOf = (object: R2Object) => `${object.etag}@${object.uploaded.getTime()}`;

const MANIFEST_MISSING = 'manifest.json is missing from the R2 bucket; run `npm run models:publish`';

async function readManifest(bucket: R2Bucket): Promise<{ manifest: ModelManifest; upload: string }> {
  const object = await bucket.get('manifest.json');
  if (!object) throw new Error(MANIFEST_MISSING);
  let json: unknown;
  try {
    json = JSON.parse(await object.text());
  } catch {
    throw new Error('manifest.json in the R2 bucket is not valid JSON');
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`manifest.json in the R2 bucket is invalid: ${parsed.error.issues[0]?.message}`);
  return { manifest: parsed.data, upload: uploadOf(object) };
}

/** One manifest.json's models as they are served. */
interface Version {
  models: LoadedModels;
  upload: string;
  /** Why each model without a session has none. */
  unavailable: Partial<Record<ModelKey, string>>;
}

const complete = (v: Version) => Object.keys(v.unavailable).length === 0;
const servesAnything = (v: Version) => Object.values(v.models.classifier.answers()).some(Boolean);

/**
 * Every live ONNX session, by the sha256 of its file: only the served version's. A version whose files all
 * have sessions reuses them (see load()).
 */
const sessions = new Map<string, InferenceSession>();

let serving: Version | undefined;
/** Why nothing is served (no version loaded yet). */
let problem: string | undefined;
/** Why the newest manifest.json in R2 is not the served version (a failed reload, a deleted manifest). */
let reloadError: string | undefined;
/** An upload of manifest.json that failed to load while a complete version was served: not retried until it changes. */
let rejected: string | undefined;
/** The load or reload under way: one at a time. */
let pending: Promise<void> | undefined;
/** Closed while sessions are released and created: requests wait, then get the version that results. */
let gate: Promise<void> | undefined;
/** Requests running the models, whichever version: versions share sessions, so a release waits for all of them. */
let inFlight = 0;
let idle: (() => void) | undefined;
let checkedAt = 0;
let loads = 0;

/** How often a loaded isolate asks R2 (one HEAD) whether manifest.json changed: MODEL_RECHECK_SECONDS, default 30. */
function recheckMs(env: ModelEnv): number {
  const seconds = Number(env.MODEL_RECHECK_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
}

/** How long a reload waits for the requests still using the old sessions before it gives up until the next check. */
const DRAIN_TIMEOUT_MS = 10_000;

function drained(): Promise<boolean> {
  if (inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
    idle = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });
}

async function release(sha256s: string[], version: string): Promise<void> {
  for (const sha256 of sha256s) {
    const session = sessions.get(sha256)!;
    sessions.delete(sha256);
    try {
      await session.release();
    } catch (err) {
      log('warn', 'releasing a model session failed', { version, sha256, error: reasonOf(err) });
    }
  }
}

/**
 * Make `sessions` hold the files of `manifest` that have not `failed`, created from `fresh` bytes or read
 * from R2. Sessions are released before any is created, so that the new ones reuse their WASM memory (it
 * is never returned to the system); `rebuild` releases them all and creates every one anew, in the order
 * of the first load. Returns why each model that has no session has none.
 */
async function materialize(
  bucket: R2Bucket,
  manifest: ModelManifest,
  fresh: Map<ModelKey, Uint8Array>,
  failed: Partial<Record<ModelKey, string>>,
  rebuild: boolean,
): Promise<{ unavailable: Partial<Record<ModelKey, string>>; created: number; released: number }> {
  const unused = [...sessions.keys()].filter((sha256) => rebuild || !wanted(manifest, failed).has(sha256));
  await release(unused, manifest.version);
  const unavailable = { ...failed };
  let created = 0;
  for (const key of MODEL_KEYS) {
    const entry = manifest.models[key];
    if (unavailable[key] || sessions.has(entry.sha256)) continue;
    try {
      const bytes = fresh.get(key) ?? (await readVerified(bucket, entry));
      try {
        sessions.set(entry.sha256, await createSession(bytes));
        created++;
      } catch (err) {
        throw new Error(`model file "${entry.file}" could not be loaded by onnxruntime: ${reasonOf(err)}`);
      }
    } catch (err) {
      unavailable[key] = reasonOf(err);
    }
  }
  return { unavailable, created, released: unused.length };
}

const wanted = (manifest: ModelManifest, failed: Partial<Record<ModelKey, string>>) =>
  new Set(MODEL_KEYS.filter((key) => !failed[key]).map((key) => manifest.models[key].sha256));

function versionOf(manifest: ModelManifest, upload: string, unavailable: Partial<Record<ModelKey, string>>, loadMs: number): Version {
  const own = Object.fromEntries(MODEL_KEYS.filter((key) => !unavailable[key]).map((key) => [key, sessions.get(manifest.models[key].sha256)!]));
  return { models: { manifest, classifier: GenreClassifier.of(ort, manifest, own, unavailable), loadMs }, upload, unavailable };
}

/** A new version replaces the served one when it is complete, or when the served one is incomplete and the new one serves something. */
const better = (next: Version, old: Version | undefined) => !old || complete(next) || (!complete(old) && servesAnything(next));

function rejectReload(upload: string, version: string, reason: string): void {
  rejected = upload;
  reloadError = `manifest.json names version ${version}, which could not be loaded: ${reason}`;
  log('warn', 'model reload failed; still serving the loaded version', { serving: serving?.models.manifest.version, version, reason, wasmHeapBytes: wasmHeapBytes() });
}

/**
 * Load `manifest` as the served version. A version whose files all have sessions reuses them; one with a
 * new file gets all its sessions created anew, after the old ones are released (keeping some would leave
 * holes too small for the new ones: measured in the decision record). The served version again, after a
 * model failed, only creates what is missing. Files are read and checked before any session is touched,
 * so a missing or corrupt file costs no WASM memory. When sessions are released, new requests wait at the
 * gate and those running finish first. A new version that fails while a complete one is served is rolled
 * back: the served version's sessions are created again, from R2.
 */
async function load(bucket: R2Bucket, manifest: ModelManifest, upload: string): Promise<void> {
  const started = Date.now();
  const old = serving;
  loads++;
  const rebuild = old?.upload !== upload && MODEL_KEYS.some((key) => !sessions.has(manifest.models[key].sha256));
  const failed: Partial<Record<ModelKey, string>> = {};
  const fresh = new Map<ModelKey, Uint8Array>();
  for (const key of MODEL_KEYS) {
    const entry = manifest.models[key];
    if (!rebuild && sessions.has(entry.sha256)) continue;
    try {
      fresh.set(key, await readVerified(bucket, entry));
    } catch (err) {
      failed[key] = reasonOf(err);
    }
  }
  if (old && complete(old) && Object.keys(failed).length > 0) return rejectReload(upload, manifest.version, Object.values(failed).join('; '));

  const releasing = [...sessions.keys()].some((sha256) => rebuild || !wanted(manifest, failed).has(sha256));
  let open = () => {};
  if (old && releasing) {
    gate = new Promise((resolve) => (open = resolve));
    if (!(await drained())) {
      gate = undefined;
      open();
      log('warn', 'model reload postponed: requests still use the loaded version', { serving: old.models.manifest.version, version: manifest.version });
      return;
    }
  }
  try {
    const { unavailable, created, released } = await materialize(bucket, manifest, fresh, failed, rebuild);
    fresh.clear();
    const next = versionOf(manifest, upload, unavailable, Date.now() - started);
    if (old && !better(next, old)) {
      const restored = await materialize(bucket, old.models.manifest, fresh, {}, rebuild);
      serving = versionOf(old.models.manifest, old.upload, restored.unavailable, old.models.loadMs);
      return rejectReload(upload, manifest.version, Object.values(unavailable).join('; '));
    }
    serving = next;
    problem = reloadError = undefined;
    // A retry of the served version's missing models that changed nothing is not news.
    if (old?.upload === upload && created === 0 && released === 0) return;
    const fields = {
      version: manifest.version,
      loadMs: next.models.loadMs,
      sessionsCreated: created,
      sessionsReused: MODEL_KEYS.length - created - Object.keys(unavailable).length,
      sessionsReleased: released,
      wasmHeapBytes: wasmHeapBytes(),
    };
    if (old && old.models.manifest.version !== manifest.version) log('info', 'model version switched', { from: old.models.manifest.version, to: manifest.version, ...fields });
    else log('info', 'models loaded', fields);
    for (const key of MODEL_KEYS) {
      const reason = unavailable[key];
      if (reason) log('error', 'model unavailable', { version: manifest.version, model: key, file: manifest.models[key].file, reason, answers: next.models.classifier.answers() });
    }
  } finally {
    if (gate) {
      gate = undefined;
      open();
    }
  }
}

/** One check of R2: load manifest.json if nothing is served, it changed, or the served version lacks a model. */
async function update(bucket: R2Bucket): Promise<void> {
  try {
    const head = await bucket.head('manifest.json');
    if (!head) throw new Error(MANIFEST_MISSING);
    const upload = uploadOf(head);
    if (serving?.upload === upload && complete(serving)) {
      reloadError = undefined;
      return;
    }
    if (serving && complete(serving) && upload === rejected) return;
    const read = await readManifest(bucket);
    await load(bucket, read.manifest, read.upload);
  } catch (err) {
    const reason = reasonOf(err);
    if (serving) {
      if (reason !== reloadError) log('warn', reason === MANIFEST_MISSING ? 'manifest.json missing; still serving the loaded version' : 'model reload failed; still serving the loaded version', { serving: serving.models.manifest.version, reason });
      reloadError = reason;
    } else {
      if (reason !== problem) log('error', reason === MANIFEST_MISSING ? 'manifest.json missing; no models to serve' : 'model load failed', { reason });
      problem = reason;
    }
  }
}

/**
 * The version to serve this request with. Until one is loaded every request tries (concurrent ones share
 * the attempt); after that, the first request past the recheck interval checks R2 and waits for a reload
 * while the others keep the loaded version, except while sessions are swapped (they wait at the gate).
 * With `hold`, the request counts as in flight from the moment it passes the gate (no await in between).
 */
async function ready(env: ModelEnv, hold = false): Promise<Version | undefined> {
  if (!pending && (!serving || Date.now() - checkedAt >= recheckMs(env))) {
    checkedAt = Date.now();
    pending = update(env.MODELS).finally(() => (pending = undefined));
    await pending;
  } else if (pending && !serving) {
    await pending;
  }
  while (gate) await gate;
  if (hold && serving) inFlight++;
  return serving;
}

/**
 * Run `use` with this isolate's models, loaded once from R2 and reloaded when manifest.json changes. The
 * models stay valid until `use` settles, even if a newer version replaces them meanwhile. A 503 when no
 * version can be served, or when the input needs a model that is not loaded.
 */
export async function withModels<T>(env: ModelEnv, use: (models: LoadedModels) => Promise<T>): Promise<T> {
  const version = await ready(env, true);
  if (!version) throw unavailable(problem ?? 'the models are not loaded');
  try {
    return await use(version.models);
  } catch (err) {
    if (err instanceof ModelUnavailableError) throw unavailable(err.message);
    throw err;
  } finally {
    if (--inFlight === 0) {
      idle?.();
      idle = undefined;
    }
  }
}

/** The model version requests are answered with now (loaded, and rechecked for a republish, if need be). */
export async function servingVersion(env: ModelEnv): Promise<string> {
  const version = await ready(env);
  if (!version) throw unavailable(problem ?? 'the models are not loaded');
  return version.models.manifest.version;
}

/** The manifest of the version this isolate serves (loading it if need be), for GET /model. */
export async function servedManifest(env: ModelEnv): Promise<ModelManifest> {
  const version = await ready(env);
  if (!version) throw unavailable(problem ?? 'the models are not loaded');
  if (!servesAnything(version)) throw unavailable(Object.values(version.unavailable).join('; '));
  return version.models.manifest;
}

export type Readiness = Omit<Health, 'wasmHeapBytes'>;

/** Whether this isolate can serve (loading the models if need be), for GET /health. */
export async function readiness(env: ModelEnv): Promise<Readiness> {
  const version = await ready(env);
  if (!version) {
    return { status: 'unavailable', reason: problem, models: { loaded: false, loads, answers: { plot: false, poster: false, plotAndPoster: false }, unavailable: {} } };
  }
  const answers = version.models.classifier.answers();
  const missing = Object.values(version.unavailable);
  const status = missing.length === 0 ? 'ok' : servesAnything(version) ? 'degraded' : 'unavailable';
  return {
    status,
    ...(missing.length > 0 && { reason: missing.join('; ') }),
    models: {
      loaded: true,
      version: version.models.manifest.version,
      loads,
      loadMs: version.models.loadMs,
      answers,
      unavailable: version.unavailable,
      ...(reloadError && { reloadError }),
    },
  };
}
