import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageParams } from '../src/shared/imageTensor';
import { GENRES } from '../src/shared/labels';
import { modelManifestSchema, type FileEntry, type ModelKey, type ModelManifest } from '../src/shared/modelManifest';
import { FEATURE_ENCODER_FILE, FEATURES_OUTPUT, featureEncoderBytes } from './featureEncoder';
import { sha256 } from './hashing';
import type { OnnxModel } from './onnxExport';
import { sharedPaths } from './paths';
import type { TextConfig } from './textModel';
import { tokenizerFiles } from './textModel';

export const TRAINED_FILES: Record<Exclude<ModelKey, 'imageEncoder'>, string> = {
  textEncoder: 'text_encoder.onnx',
  textHead: 'text_head.onnx',
  imageHead: 'image_head.onnx',
  fusionHead: 'fusion_head.onnx',
};

const entry = (file: string, bytes: Uint8Array): FileEntry => ({ file, sha256: sha256(bytes), bytes: bytes.byteLength });

/**
 * Write the trained ONNX files and a schema-checked manifest.json. Pretrained files are described by
 * the bytes publish uploads: the tokenizer from ../shared, MobileNetV2 as derived from ../shared by
 * featureEncoder.ts (never committed).
 */
export async function writeArtifacts(
  outDir: string,
  trained: Record<keyof typeof TRAINED_FILES, OnnxModel>,
  text: TextConfig,
  image: ImageParams & { dim: number },
): Promise<ModelManifest> {
  const shared = sharedPaths();
  const tok = tokenizerFiles(shared.tokenizerDir);
  const [tokenizer, tokenizerConfig] = await Promise.all([tok.tokenizer, tok.tokenizerConfig].map((p) => readFile(p)));
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
    text: {
      tokenizer: entry('tokenizer.json', tokenizer),
      tokenizerConfig: entry('tokenizer_config.json', tokenizerConfig),
      vocabSize: text.vocabSize,
      bigramBuckets: text.bigramBuckets,
      maxTokens: text.maxTokens,
      dim: text.dim,
    },
    image: { size: image.size, fit: image.fit, mean: image.mean, scale: image.scale, dim: image.dim },
    models,
  });
  await saveManifest(outDir, manifest);
  return manifest;
}

export async function saveManifest(outDir: string, manifest: ModelManifest): Promise<void> {
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(modelManifestSchema.parse(manifest), null, 2)}\n`);
}

/** Bytes of every file the Worker loads (ONNX models, tokenizer files). */
export function servedSizes(manifest: ModelManifest) {
  const onnx = Object.fromEntries(Object.entries(manifest.models).map(([k, m]) => [m.file, m.bytes]));
  const onnxTotal = Object.values(manifest.models).reduce((a, m) => a + m.bytes, 0);
  const total = onnxTotal + manifest.text.tokenizer.bytes + manifest.text.tokenizerConfig.bytes;
  return { onnx, onnxTotal, total };
}

