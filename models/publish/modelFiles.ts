import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { objectKey } from '../../src/shared/modelManifest';
import { siteObjects } from '../export/examples';
import { readManifest } from '../export/artifacts';
import { DERIVED_DIR, writeFeatureEncoder } from '../features/featureEncoder';
import { ARTIFACTS_DIR } from '../paths';

export interface ModelObject {
  /** R2 object key. */
  key: string;
  /** Local file it is uploaded from. */
  path: string;
}

/**
 * The model files the manifest names, with the local file each comes from: trained artifacts from the
 * artifacts folder, the image encoder derived from ../shared into a gitignored folder (written first, and
 * only when it changed). What a classifier loads.
 */
export async function modelFileObjects(artifactsDir = ARTIFACTS_DIR): Promise<(ModelObject & { file: string })[]> {
  const manifest = await readManifest(artifactsDir);
  await writeFeatureEncoder();
  const searchDirs = [artifactsDir, DERIVED_DIR];
  return Object.values(manifest.models).map((entry) => {
    const dir = searchDirs.find((d) => existsSync(join(d, basename(entry.file))));
    if (!dir) throw new Error(`model file "${entry.file}" is in neither ${searchDirs.join(' nor ')}`);
    return { file: entry.file, key: objectKey(entry), path: join(dir, basename(entry.file)) };
  });
}

/**
 * Every object the Worker reads from R2: the model files, the web page's examples, and manifest.json
 * last, so that a reader never sees it before its files.
 */
export async function modelObjects(artifactsDir = ARTIFACTS_DIR): Promise<ModelObject[]> {
  return [
    ...(await modelFileObjects(artifactsDir)),
    ...(await siteObjects(artifactsDir)),
    { key: 'manifest.json', path: join(artifactsDir, 'manifest.json') },
  ];
}
