import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { modelManifestSchema, objectKey, type ModelManifest } from '../src/shared/modelManifest';
import { siteObjects } from './examples';
import { DERIVED_DIR, writeFeatureEncoder } from './featureEncoder';
import { PROJECT_ROOT, sharedPaths } from './paths';

export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'models', 'artifacts');

export interface ModelObject {
  /** R2 object key. */
  key: string;
  /** Local file it is uploaded from. */
  path: string;
}

export async function readManifest(artifactsDir = ARTIFACTS_DIR): Promise<ModelManifest> {
  return modelManifestSchema.parse(JSON.parse(await readFile(join(artifactsDir, 'manifest.json'), 'utf8')));
}

/**
 * The model and tokenizer files the manifest names, with the local file each comes from: trained
 * artifacts from the artifacts folder, the tokenizer from ../shared (never copied), and the image encoder
 * derived from ../shared into a gitignored folder (rewritten only when it changed). What a predictor loads.
 */
export async function modelFileObjects(artifactsDir = ARTIFACTS_DIR): Promise<(ModelObject & { file: string })[]> {
  const manifest = await readManifest(artifactsDir);
  await writeFeatureEncoder();
  const searchDirs = [artifactsDir, DERIVED_DIR, sharedPaths().tokenizerDir];
  const entries = [manifest.text.tokenizer, manifest.text.tokenizerConfig, ...Object.values(manifest.models)];
  return entries.map((entry) => {
    const dir = searchDirs.find((d) => existsSync(join(d, basename(entry.file))));
    if (!dir) throw new Error(`model file "${entry.file}" is in neither ${searchDirs.join(' nor ')}`);
    return { file: entry.file, key: objectKey(entry), path: join(dir, basename(entry.file)) };
  });
}

/**
 * Every object the Worker reads from R2: the model files, the web page's examples and report (which
 * writes examples.json), and manifest.json last, so that a reader never sees it before its files.
 */
export async function modelObjects(artifactsDir = ARTIFACTS_DIR): Promise<ModelObject[]> {
  return [
    ...(await modelFileObjects(artifactsDir)),
    ...(await siteObjects(artifactsDir)),
    { key: 'manifest.json', path: join(artifactsDir, 'manifest.json') },
  ];
}
