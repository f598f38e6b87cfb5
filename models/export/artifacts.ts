import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageParams } from '../../src/shared/imageTensor';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { modelManifestSchema, type FileEntry, type ModelKey, type ModelManifest } from '../../src/shared/modelManifest';
import type { PlotFeatureParams } from '../../src/shared/plotFeatures';
import { FEATURE_ENCODER_FILE, FEATURES_OUTPUT, featureEncoderBytes } from '../features/featureEncoder';
import { sha256 } from '../hashing';
import type { DecisionRule } from '../train/decisionRule';
import type { OnnxModel } from './onnxGraph';

export const TRAINED_FILES: Record<Exclude<ModelKey, 'imageEncoder'>, string> = {
  textModel: 'text_model.onnx',
  imageHead: 'image_head.onnx',
  fusionHead: 'fusion_head.onnx',
};

const entry = (file: string, bytes: Uint8Array): FileEntry => ({ file, sha256: sha256(bytes), bytes: bytes.byteLength });

/**
 * Write the trained ONNX files and a schema-checked manifest.json. The image encoder is described by the
 * bytes publish uploads: MobileNetV2 as derived from ../shared by featureEncoder.ts (never committed).
 */
export async function writeArtifacts(
  outDir: string,
  trained: Record<keyof typeof TRAINED_FILES, OnnxModel>,
  text: { features: PlotFeatureParams; dim: number },
  image: ImageParams & { dim: number },
  rule: DecisionRule,
  calibration: ModelManifest['calibration'],
): Promise<ModelManifest> {
  const models = {} as ModelManifest['models'];
  for (const [key, file] of Object.entries(TRAINED_FILES) as [keyof typeof TRAINED_FILES, string][]) {
    await writeFile(join(outDir, file), trained[key].bytes);
    models[key] = { ...entry(file, trained[key].bytes), inputs: trained[key].inputs, outputs: trained[key].outputs };
  }
  models.imageEncoder = { ...entry(FEATURE_ENCODER_FILE, await featureEncoderBytes()), inputs: ['pixel_values'], outputs: [FEATURES_OUTPUT] };
  const digest = sha256(Object.values(models).map((m) => m.sha256).join(''));
  const createdAt = new Date().toISOString();
  const manifest = modelManifestSchema.parse({
    version: `${createdAt.slice(0, 10)}.${digest.slice(0, 8)}`,
    createdAt,
    labels: [...GENRES],
    tmdbGenres: [...TMDB_GENRES],
    text,
    image,
    rule,
    calibration,
    models,
  });
  await saveManifest(outDir, manifest);
  return manifest;
}

export async function saveManifest(outDir: string, manifest: ModelManifest): Promise<void> {
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(modelManifestSchema.parse(manifest), null, 2)}\n`);
}

export async function readManifest(artifactsDir: string): Promise<ModelManifest> {
  return modelManifestSchema.parse(JSON.parse(await readFile(join(artifactsDir, 'manifest.json'), 'utf8')));
}

/** Bytes of every file the Worker loads. */
export function servedSizes(manifest: ModelManifest) {
  const files = Object.fromEntries(Object.values(manifest.models).map((m) => [m.file, m.bytes]));
  return { files, total: Object.values(manifest.models).reduce((a, m) => a + m.bytes, 0) };
}
