import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readManifest } from '../export/artifacts';
import { sha256, sha256File } from '../hashing';
import { ARTIFACTS_DIR, PROJECT_ROOT } from '../paths';
import { modelObjects, writeGeneratedFiles } from './modelFiles';

export const BUCKET = 'genre-models';

export interface PublishOptions {
  artifactsDir?: string;
  /** Upload to the Cloudflare account's bucket instead of the local one `wrangler dev` uses. */
  remote?: boolean;
  /** Local state directory, passed to wrangler's --persist-to (tests use a private one). */
  persistTo?: string;
  /** Skip when the local bucket already holds exactly these objects (checked through a marker file). */
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

/** The marker sits in the local state folder, so wiping that folder also forgets the marker. */
const markerPath = (persistTo?: string) => join(persistTo ?? join(PROJECT_ROOT, '.wrangler', 'state'), `${BUCKET}.published.json`);

/** Upload every model object (manifest.json last, so a reader never sees a manifest before its files). */
export async function publish(options: PublishOptions = {}): Promise<{ uploaded: string[]; skipped: boolean; version: string }> {
  const log = options.log ?? console.log;
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const manifest = await readManifest(artifactsDir);
  await writeGeneratedFiles(artifactsDir);
  const objects = await modelObjects(artifactsDir);
  // Every object counts (examples and the report too), not only the manifest.
  const fingerprint = sha256((await Promise.all(objects.map(async (o) => `${o.key} ${await sha256File(o.path)}`))).join('\n'));
  const persistTo = options.persistTo && resolve(options.persistTo);
  const marker = markerPath(persistTo);
  if (options.ifStale && !options.remote && existsSync(marker)) {
    const published = JSON.parse(await readFile(marker, 'utf8')) as { sha256?: string };
    if (published.sha256 === fingerprint) {
      log(`models ${manifest.version} already in the local bucket ${BUCKET}; nothing to do`);
      return { uploaded: [], skipped: true, version: manifest.version };
    }
  }
  const target = options.remote ? ['--remote'] : ['--local', ...(persistTo ? ['--persist-to', persistTo] : [])];
  const uploaded: string[] = [];
  for (const { key, path } of objects) {
    log(`put ${BUCKET}/${key} (${options.remote ? 'remote' : 'local'})`);
    await wrangler(['r2', 'object', 'put', `${BUCKET}/${key}`, '--file', path, ...target]);
    uploaded.push(key);
  }
  if (!options.remote) {
    await mkdir(dirname(marker), { recursive: true });
    await writeFile(marker, `${JSON.stringify({ version: manifest.version, sha256: fingerprint })}\n`);
  }
  log(`published models ${manifest.version}: ${uploaded.length} objects`);
  return { uploaded, skipped: false, version: manifest.version };
}
