import { tf } from './tfBackend';

/**
 * Trained weights as plain data (row-major), the form that is saved, exported to ONNX and
 * turned back into tfjs tensors for the reference forward pass.
 */
export interface Dense {
  inDim: number;
  outDim: number;
  /** [inDim, outDim] */
  w: Float32Array;
  b: Float32Array;
}

export interface Embedding {
  rows: number;
  dim: number;
  /** [rows, dim] */
  table: Float32Array;
}

export interface TrainedWeights {
  textEncoder: Embedding;
  /** Dense layers with ReLU between them; the last one gives logits. */
  textHead: Dense[];
  imageHead: Dense[];
  /** Logits from [log p_text | log p_image] (14 -> 7). */
  fusion: Dense;
}

export interface DenseVars {
  w: tf.Tensor2D;
  b: tf.Tensor1D;
}

/** Rows of equal length as one [rows, length] tensor. */
export function matrix(rows: Float32Array[]): tf.Tensor2D {
  const width = rows[0]?.length ?? 0;
  const flat = new Float32Array(rows.length * width);
  rows.forEach((r, i) => flat.set(r, i * width));
  return tf.tensor2d(flat, [rows.length, width]);
}

export const denseVars = (d: Dense): DenseVars => ({ w: tf.tensor2d(d.w, [d.inDim, d.outDim]), b: tf.tensor1d(d.b) });

export async function denseData(v: DenseVars): Promise<Dense> {
  const [inDim, outDim] = v.w.shape;
  return { inDim, outDim, w: (await v.w.data()) as Float32Array, b: (await v.b.data()) as Float32Array };
}

/** Glorot-uniform weights and zero bias, seeded through tfjs. */
export function initDense(inDim: number, outDim: number, seed: number): DenseVars {
  const limit = Math.sqrt(6 / (inDim + outDim));
  return { w: tf.variable(tf.randomUniform([inDim, outDim], -limit, limit, 'float32', seed)), b: tf.variable(tf.zeros([outDim])) };
}

/** Masked mean of the token embeddings: ids [B, L] int32, mask [B, L] (1 = token, 0 = padding). */
export function meanEmbedding(table: tf.Tensor2D, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const m = mask.expandDims(2);
  return tf.div(tf.sum(tf.mul(tf.gather(table, ids), m), 1), tf.sum(m, 1)) as tf.Tensor2D;
}

/**
 * Dense layers with ReLU between. In training, `dropout` applies to every layer's input; its seed
 * must change per step (tfjs would otherwise draw from an unseeded generator and runs would differ).
 */
export function mlpLogits(layers: DenseVars[], x: tf.Tensor2D, dropout?: { rate: number; seed: number }): tf.Tensor2D {
  return layers.reduce((h, layer, i) => {
    const input = dropout && dropout.rate > 0 ? tf.dropout(h, dropout.rate, undefined, dropout.seed * 31 + i) : h;
    const out = tf.add(tf.matMul(input, layer.w), layer.b) as tf.Tensor2D;
    return i < layers.length - 1 ? tf.relu(out) : out;
  }, x);
}

/** The fusion head's combination of the two heads' logits (late fusion of calibrated log-probabilities). */
export function fusionLogits(fusion: DenseVars, textLogits: tf.Tensor2D, imageLogits: tf.Tensor2D): tf.Tensor2D {
  return mlpLogits([fusion], tf.concat([tf.logSoftmax(textLogits), tf.logSoftmax(imageLogits)], 1));
}
