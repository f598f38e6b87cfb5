import { z } from 'zod';
import { GENRES } from './labels';

/**
 * `manifest.json`, written by the training pipeline next to the ONNX files and read by the Worker
 * from R2. It carries everything serving must do exactly as training did.
 */
const fileEntry = z.object({
  /** File name in the pipeline's output; in the bucket it lives under `objectKey(entry)`. */
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
});

const onnxModel = fileEntry.extend({
  inputs: z.array(z.string()).min(1),
  outputs: z.array(z.string()).min(1),
});

export const modelManifestSchema = z.object({
  version: z.string().min(1),
  createdAt: z.string(),
  labels: z.array(z.string()).refine((l) => l.length === GENRES.length && l.every((g, i) => g === GENRES[i]), {
    message: `labels must be exactly ${GENRES.join(', ')}`,
  }),
  text: z.object({
    tokenizer: fileEntry,
    tokenizerConfig: fileEntry,
    vocabSize: z.number().int().positive(),
    bigramBuckets: z.number().int().nonnegative(),
    maxTokens: z.number().int().positive(),
    dim: z.number().int().positive(),
  }),
  image: z.object({
    size: z.number().int().positive(),
    fit: z.enum(['crop', 'squash']),
    mean: z.number(),
    scale: z.number().positive(),
    dim: z.number().int().positive(),
  }),
  models: z.object({
    /** input_ids int64 [1, L] -> text vector float32 [1, text.dim] */
    textEncoder: onnxModel,
    /** pixel_values float32 [1, 3, size, size] -> features float32 [1, image.dim] */
    imageEncoder: onnxModel,
    /** text vector -> probs [1, 7] */
    textHead: onnxModel,
    /** image features -> probs [1, 7] */
    imageHead: onnxModel,
    /** (text vector, image features) -> probs [1, 7] */
    fusionHead: onnxModel,
  }),
  /** Evaluation figures of this version on the pipeline's test split, shown by the web page. */
  evaluation: z.record(z.string(), z.unknown()).optional(),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelKey = keyof ModelManifest['models'];
export type FileEntry = z.infer<typeof fileEntry>;

/**
 * Where a file lives in the R2 bucket: under its own sha256, so publishing another version never
 * overwrites a file that the current manifest.json names. A Worker starting while a publish is under way
 * (or after one failed half-way) still loads the published version; manifest.json, put last, switches.
 */
export const objectKey = (entry: Pick<FileEntry, 'file' | 'sha256'>): string => `files/${entry.sha256}/${entry.file}`;
