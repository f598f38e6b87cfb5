import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { GenreClassifier } from '../../src/shared/classifier';
import { SESSION_OPTIONS } from '../../src/shared/sessionOptions';
import { readManifest } from '../export/artifacts';
import { writeFeatureEncoder } from '../features/featureEncoder';
import { initNodeImageDecoders } from '../features/nodeImage';
import { sha256 } from '../hashing';
import { ARTIFACTS_DIR } from '../paths';
import { modelFileObjects } from '../publish/modelFiles';

/**
 * The Worker's classifier on onnxruntime-node: the same manifest, files (each checked against its sha256),
 * preprocessing and class. Offline evaluation, the benchmark's native reference and tests use it.
 */
export async function loadNodeClassifier(options: { artifactsDir?: string; threads?: number } = {}): Promise<GenreClassifier> {
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const manifest = await readManifest(artifactsDir);
  // The encoder is derived from ../shared, not committed: (re)derive it if missing or stale.
  await writeFeatureEncoder();
  const paths = new Map((await modelFileObjects(artifactsDir)).map((o) => [o.file, o.path]));
  await initNodeImageDecoders();
  const sessionOptions = { ...SESSION_OPTIONS, intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 };
  return GenreClassifier.load(
    ort,
    manifest,
    async (entry) => {
      const bytes = await readFile(paths.get(entry.file)!);
      if (sha256(bytes) !== entry.sha256) throw new Error(`${entry.file} does not match manifest.json (sha256)`);
      return bytes;
    },
    (bytes) => ort.InferenceSession.create(bytes, sessionOptions),
  );
}
