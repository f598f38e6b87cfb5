import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { getPlatformProxy } from 'wrangler';
import { readManifest } from '../export/artifacts';
import { sha256, sha256File } from '../hashing';
import { ARTIFACTS_DIR, PROJECT_ROOT } from '../paths';
import { modelObjects, writeGeneratedFiles, type ModelObject } from './modelFiles';

export const BUCKET = 'genre-models';

export interface PublishOptions {
  artifactsDir?: string;
  /** Upload to the Cloudflare account's bucket instead of the local one `wrangler dev` uses. */
  remote?: boolean;
  /** Local state directory, passed to wrangler's --persist-to (tests use a private one). */
  persistTo?: string;
  /** Upload only the objects that the local bucket lacks or holds with other bytes (each one read and its sha256 compared). */
  ifStale?: boolean;
  log?: (line: string) => void;
}

const wranglerBin = () => join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

/** Run this project's wrangler on the current Node (wrangler needs 22), without offline noise. */
export async function wrangler(args: string[]): Promise<string> {
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
  const { stdout } = await promisify(execFile)(process.execPath, [wranglerBin(), ...args], { cwd: PROJECT_ROOT, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The bucket `wrangler dev` reads, through wrangler's own local R2 (its state folder holds `v3/r2/`). */
interface LocalBucket {
  MODELS: { get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null> };
}

/** The objects whose copy in the local bucket is missing or differs from the file: each object is read and hashed. */
async function staleObjects(objects: (ModelObject & { sha256: string })[], persistTo: string): Promise<Set<string>> {
  const { env, dispose } = await getPlatformProxy<LocalBucket>({
    configPath: join(PROJECT_ROOT, 'wrangler.toml'),
    persist: { path: join(persistTo, 'v3') },
    remoteBindings: false,
    envFiles: [],
  });
  try {
    const stale = new Set<string>();
    for (const { key, sha256: expected } of objects) {
      const stored = await env.MODELS.get(key);
      if (!stored || sha256(new Uint8Array(await stored.arrayBuffer())) !== expected) stale.add(key);
    }
    return stale;
  } finally {
    await dispose();
  }
}

/**
 * Upload every model object (manifest.json last, so a reader never sees a manifest before its files). With
 * `ifStale`, only the missing or different ones, and manifest.json after them whenever anything was
 * uploaded: a new upload of it is what makes running isolates load the models again.
 */
export async function publish(options: PublishOptions = {}): Promise<{ uploaded: string[]; skipped: boolean; version: string }> {
  const log = options.log ?? console.log;
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const manifest = await readManifest(artifactsDir);
  await writeGeneratedFiles(artifactsDir);
  let objects = await modelObjects(artifactsDir);
  const persistTo = options.persistTo && resolve(options.persistTo);
  if (options.ifStale && !options.remote) {
    const hashed = await Promise.all(objects.map(async (o) => ({ ...o, sha256: await sha256File(o.path) })));
    const stale = await staleObjects(hashed, persistTo ?? join(PROJECT_ROOT, '.wrangler', 'state'));
    if (stale.size === 0) {
      log(`models ${manifest.version} already in the local bucket ${BUCKET} (every object checked by sha256); nothing to do`);
      return { uploaded: [], skipped: true, version: manifest.version };
    }
    log(`${stale.size} of ${objects.length} objects missing or different in the local bucket ${BUCKET}: ${[...stale].join(', ')}`);
    objects = objects.filter((o) => stale.has(o.key) || o.key === 'manifest.json');
  }
  const target = options.remote ? ['--remote'] : ['--local', ...(persistTo ? ['--persist-to', persistTo] : [])];
  const uploaded: string[] = [];
  for (const { key, path } of objects) {
    log(`put ${BUCKET}/${key} (${options.remote ? 'remote' : 'local'})`);
    await wrangler(['r2', 'object', 'put', `${BUCKET}/${key}`, '--file', path, ...target]);
    uploaded.push(key);
  }
  log(`published models ${manifest.version}: ${uploaded.length} objects`);
  return { uploaded, skipped: false, version: manifest.version };
}
