import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENRES } from '../src/shared/labels';
import { TextTokenizer, type TextParams } from '../src/shared/textTokens';
import { denseData, initDense, meanEmbedding, mlpLogits, type Dense, type DenseVars, type Embedding } from './networks';
import { seededRandom } from './random';
import { tf } from './tfBackend';
import { batchedProbs, train, type TrainOptions, type TrainResult } from './training';

export interface TextConfig extends TextParams {
  /** Width of the text vector (the token embedding). */
  dim: number;
  /** Share of tokens hidden from each training example per step (a cheap, strong regulariser for bag models). */
  tokenDropout: number;
}

export const DEFAULT_TEXT_CONFIG: TextConfig = { vocabSize: 30522, bigramBuckets: 0, maxTokens: 256, dim: 32, tokenDropout: 0.5 };

export const tokenizerFiles = (dir: string) => ({ tokenizer: join(dir, 'tokenizer.json'), tokenizerConfig: join(dir, 'tokenizer_config.json') });

export async function loadTokenizer(dir: string, params: TextParams): Promise<TextTokenizer> {
  const files = tokenizerFiles(dir);
  const [json, config] = await Promise.all([files.tokenizer, files.tokenizerConfig].map(async (f) => JSON.parse(await readFile(f, 'utf8'))));
  return new TextTokenizer(json, config, params);
}

interface TextVars {
  table: tf.Tensor2D;
  head: DenseVars[];
}

/** Pad ragged id lists to one [B, L] batch with a 0/1 mask; optionally drop tokens at random. */
function padBatch(rows: Int32Array[], dropout = 0, random?: () => number): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * len);
  const mask = new Float32Array(rows.length * len);
  rows.forEach((row, i) => {
    ids.set(row, i * len);
    let kept = 0;
    row.forEach((_, j) => {
      const keep = !random || random() >= dropout;
      mask[i * len + j] = keep ? 1 : 0;
      kept += keep ? 1 : 0;
    });
    if (kept === 0 && row.length > 0) mask[i * len] = 1;
  });
  return { ids: tf.tensor2d(ids, [rows.length, len], 'int32'), mask: tf.tensor2d(mask, [rows.length, len]) };
}

const textVectorsOf = (table: tf.Tensor2D, rows: Int32Array[]) => {
  const { ids, mask } = padBatch(rows);
  return meanEmbedding(table, ids, mask);
};

export interface TextModel {
  encoder: Embedding;
  head: Dense[];
}

/**
 * fastText-style classifier: mean of the token embeddings (WordPiece, plus hashed bigrams when
 * bigramBuckets > 0), then a linear layer, trained end to end. The mean is the text vector.
 */
export async function trainTextModel(
  trainSet: { ids: Int32Array[]; targets: Float32Array[] },
  validation: { ids: Int32Array[]; labels: number[] },
  config: TextConfig,
  options: TrainOptions,
): Promise<{ model: TextModel; result: TrainResult }> {
  const rows = config.vocabSize + config.bigramBuckets;
  const vars = {
    table: tf.variable(tf.randomUniform([rows, config.dim], -1 / config.dim, 1 / config.dim, 'float32', options.seed)) as tf.Variable<tf.Rank.R2>,
    head: [initDense(config.dim, GENRES.length, options.seed + 1)],
  };
  const random = seededRandom(options.seed + 2);
  const result = train(
    {
      variables: [vars.table, ...vars.head.flatMap((d) => [d.w, d.b])] as tf.Variable[],
      trainTargets: trainSet.targets,
      trainLogits: (batch) => {
        const { ids, mask } = padBatch(batch.map((r) => trainSet.ids[r]), config.tokenDropout, random);
        return mlpLogits(vars.head, meanEmbedding(vars.table, ids, mask));
      },
      validationProbs: () => textProbs(vars, validation.ids),
      validationLabels: validation.labels,
    },
    options,
  );
  const model = {
    encoder: { rows, dim: config.dim, table: (await vars.table.data()) as Float32Array },
    head: await Promise.all(vars.head.map(denseData)),
  };
  tf.dispose([vars.table, ...vars.head.flatMap((d) => [d.w, d.b])]);
  return { model, result };
}

/** Text vectors for id lists (tfjs reference of the exported text encoder). */
export function textVectors(model: TextModel, ids: Int32Array[]): Float32Array[] {
  const table = tf.tensor2d(model.encoder.table, [model.encoder.rows, model.encoder.dim]);
  const out: Float32Array[] = [];
  for (let start = 0; start < ids.length; start += 256) {
    const v = tf.tidy(() => textVectorsOf(table, ids.slice(start, start + 256)));
    const data = v.dataSync() as Float32Array;
    v.dispose();
    for (let i = 0; i < v.shape[0]; i++) out.push(data.slice(i * model.encoder.dim, (i + 1) * model.encoder.dim));
  }
  table.dispose();
  return out;
}

function textProbs(vars: TextVars, ids: Int32Array[]): Float32Array[] {
  return batchedProbs(ids.length, 256, (s, e) => mlpLogits(vars.head, textVectorsOf(vars.table, ids.slice(s, e))));
}
