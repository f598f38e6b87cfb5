import { join } from 'node:path';
import { objectKey } from '../../src/shared/modelManifest';
import { siteObjects, writeExamples } from '../export/examples';
import { readManifest } from '../export/artifacts';
import { FEATURE_ENCODER_PATH, writeFeatureEncoder } from '../features/featureEncoder';
import { ARTIFACTS_DIR } from '../paths';

// Listing is pure: it names the files and reads nothing but JSON. writeGeneratedFiles() is the one step
// that writes, before anything lists or reads them.

export interface ModelObject {
  /** R2 object key. */
  key: string;
  /** Local file it is uploaded from. */
  path: string;
}

/**
 * The files publishing uploads that are made here rather than committed: the served image encoder (derived
 * from ../shared's MobileNetV2) and the web page's examples.json (picked from the dataset).
 */
export async function writeGeneratedFiles(artifactsDir = ARTIFACTS_DIR): Promise<void> {
  await writeFeatureEncoder();
  await writeExamples(artifactsDir);
}

/**
 * The model files the manifest names, with the local file each comes from: the trained ones from the
 * artifacts folder, the image encoder from where writeFeatureEncoder() derives it. What a classifier loads.
 */
export async function modelFileObjects(artifactsDir = ARTIFACTS_DIR): Promise<(ModelObject & { file: string })[]> {
  const manifest = await readManifest(artifactsDir);
  return Object.entries(manifest.models).map(([model, entry]) => ({
    file: entry.file,
    key: objectKey(entry),
    path: model === 'imageEncoder' ? FEATURE_ENCODER_PATH : join(artifactsDir, entry.file),
  }));
}

/**
 * Every object the Worker reads from R2: the model files, the web page's examples and report, and
 * manifest.json last, so that a reader never sees it before its files.
 */
export async function modelObjects(artifactsDir = ARTIFACTS_DIR): Promise<ModelObject[]> {
  return [
    ...(await modelFileObjects(artifactsDir)),
    ...(await siteObjects(artifactsDir)),
    { key: 'manifest.json', path: join(artifactsDir, 'manifest.json') },
  ];
}
