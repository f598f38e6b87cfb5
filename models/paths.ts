import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

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
    mobilenet: join(root, 'models', 'mobilenet_v2', 'mobilenet_v2_1.0_224.q8.onnx'),
    imagenetLabels: join(root, 'models', 'mobilenet_v2', 'imagenet_labels.txt'),
    tokenizerDir: join(root, 'models', 'bert-base-uncased-tokenizer'),
    imagenetSamples: join(root, 'models', 'imagenet-samples'),
  };
};
