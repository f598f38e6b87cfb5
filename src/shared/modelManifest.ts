import { z } from 'zod';
import { GENRES, TMDB_GENRES } from './labels';

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

const sameList = (expected: readonly string[], name: string) =>
  z.array(z.string()).refine((l) => l.length === expected.length && l.every((g, i) => g === expected[i]), { message: `${name} must be exactly ${expected.join(', ')}` });

const topLabelKind = z.enum(['isotonic', 'logistic per top genre']);

export const modelManifestSchema = z.object({
  version: z.string().min(1),
  createdAt: z.string(),
  labels: sameList(GENRES, 'labels'),
  tmdbGenres: sameList(TMDB_GENRES, 'tmdbGenres'),
  text: z.object({
    /** plotFeatures.ts: how a plot becomes hashed n-gram counts. */
    features: z.object({
      buckets: z.number().int().positive(),
      wordNgrams: z.array(z.number().int().positive()),
      charNgrams: z.array(z.number().int().positive()),
      maxWords: z.number().int().positive(),
    }),
    dim: z.number().int().positive(),
  }),
  image: z.object({
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    fit: z.enum(['crop', 'squash']),
    mean: z.number(),
    scale: z.number().positive(),
    dim: z.number().int().positive(),
  }),
  /** decisionRule.ts: beta · ln(prior) is added to every head's genre logits (already inside the graphs). */
  rule: z.object({ beta: z.number().min(0), prior: z.array(z.number().positive()).length(GENRES.length) }),
  /**
   * Calibration, already inside the graphs: the kind of top-label map each answer's top genre probability
   * goes through (models/train/topLabel.ts), chosen on validation; `uncalibrated_probs` is the answer before it.
   */
  calibration: z.object({ fusion: topLabelKind, text: topLabelKind, image: topLabelKind }),
  models: z.object({
    /** feature_ids int64 [n], feature_counts float32 [n] -> text_vector, probs, uncalibrated_probs, tmdb_probs, known_features, evidence */
    textModel: onnxModel,
    /** pixel_values float32 [1, 3, height, width] -> features float32 [1, image.dim] */
    imageEncoder: onnxModel,
    /** image features -> probs [1, 7], uncalibrated_probs [1, 7], tmdb_probs [1, 19] */
    imageHead: onnxModel,
    /** (text vector, image features) -> probs [1, 7], uncalibrated_probs [1, 7], tmdb_probs [1, 19] */
    fusionHead: onnxModel,
  }),
  /** Evaluation figures of this version on the pipeline's test split, shown by the web page. */
  evaluation: z.record(z.string(), z.unknown()).optional(),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelKey = keyof ModelManifest['models'];

/** The models in the order they are loaded. */
export const MODEL_KEYS: readonly ModelKey[] = ['textModel', 'imageEncoder', 'imageHead', 'fusionHead'];
export type FileEntry = z.infer<typeof fileEntry>;

/**
 * Where a file lives in the R2 bucket: under its own sha256, so publishing another version never
 * overwrites a file that the current manifest.json names. A Worker starting while a publish is under way
 * (or after one failed half-way) still loads the published version; manifest.json, put last, switches.
 */
export const objectKey = (entry: Pick<FileEntry, 'file' | 'sha256'>): string => `files/${entry.sha256}/${entry.file}`;
