import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The committed model files: what `npm run models:publish` uploads and `npm run evaluate` scores. */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'models', 'artifacts');

/** The read-only data and pretrained files; `GENRE_SHARED_DIR` points elsewhere outside this workplace. */
export function sharedDir(): string {
  return resolve(process.env.GENRE_SHARED_DIR ?? join(PROJECT_ROOT, '..', 'shared'));
}

export const sharedPaths = () => {
  const root = sharedDir();
  // Every caller reads from it; say what to do instead of a bare ENOENT deep in a loader.
  if (!existsSync(root)) {
    throw new Error(`the shared data folder is not at ${root}: put it beside the project as ../shared, or set GENRE_SHARED_DIR to it`);
  }
  return {
    root,
    dataset: join(root, 'data', 'movies'),
    /** Plots without posters, for the text model only. */
    textDataset: join(root, 'data', 'movies-text'),
    mobilenet: join(root, 'models', 'mobilenet_v2', 'mobilenet_v2_1.0_224.q8.onnx'),
    imagenetLabels: join(root, 'models', 'mobilenet_v2', 'imagenet_labels.txt'),
    imagenetSamples: join(root, 'models', 'imagenet-samples'),
  };
};
