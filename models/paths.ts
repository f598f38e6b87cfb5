import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The read-only data and pretrained files; `GENRE_SHARED_DIR` points elsewhere outside this workplace. */
export function sharedDir(): string {
  return resolve(process.env.GENRE_SHARED_DIR ?? join(PROJECT_ROOT, '..', 'shared'));
}

export const sharedPaths = () => {
  const root = sharedDir();
  return {
    root,
    dataset: join(root, 'data', 'movies'),
    mobilenet: join(root, 'models', 'mobilenet_v2', 'mobilenet_v2_1.0_224.q8.onnx'),
    imagenetLabels: join(root, 'models', 'mobilenet_v2', 'imagenet_labels.txt'),
    tokenizerDir: join(root, 'models', 'bert-base-uncased-tokenizer'),
    imagenetSamples: join(root, 'models', 'imagenet-samples'),
  };
};
