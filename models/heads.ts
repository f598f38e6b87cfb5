import { GENRES } from '../src/shared/labels';
import { denseData, denseVars, fusionLogits, initDense, matrix, mlpLogits, type Dense, type DenseVars } from './networks';
import { tf } from './tfBackend';
import { oneHot } from './genreTargets';
import { balancedLoss, batchedProbs, train, type TrainOptions, type TrainResult } from './training';

const K = GENRES.length;

const layerVars = (layers: DenseVars[]) => layers.flatMap((d) => [d.w, d.b]) as tf.Variable[];

async function release(layers: DenseVars[]): Promise<Dense[]> {
  const data = await Promise.all(layers.map(denseData));
  tf.dispose(layerVars(layers));
  return data;
}

/** Probabilities (or log-probabilities) of an MLP head over feature vectors (tfjs reference of the exported head). */
export function mlpProbs(layers: Dense[], x: Float32Array[], log = false): Float32Array[] {
  const vars = layers.map(denseVars);
  const out = batchedProbs(x.length, 512, (s, e) => mlpLogits(vars, matrix(x.slice(s, e))), log);
  tf.dispose(layerVars(vars));
  return out;
}

/** An MLP on fixed feature vectors (the image head), early-stopped on the validation split. */
export async function trainMlpHead(
  trainSet: { x: Float32Array[]; targets: Float32Array[] },
  validation: { x: Float32Array[]; labels: number[] },
  hidden: number[],
  dropout: number,
  options: TrainOptions,
): Promise<{ layers: Dense[]; result: TrainResult }> {
  const sizes = [trainSet.x[0].length, ...hidden, K];
  const vars = sizes.slice(1).map((out, i) => initDense(sizes[i], out, options.seed + i));
  const x = matrix(trainSet.x);
  let step = 0;
  const result = train(
    {
      variables: layerVars(vars),
      trainTargets: trainSet.targets,
      trainLogits: (rows) => mlpLogits(vars, tf.gather(x, rows) as tf.Tensor2D, { rate: dropout, seed: options.seed * 100_003 + step++ }),
      validationProbs: () => batchedProbs(validation.x.length, 512, (s, e) => mlpLogits(vars, matrix(validation.x.slice(s, e)))),
      validationLabels: validation.labels,
    },
    options,
  );
  x.dispose();
  return { layers: await release(vars), result };
}

export interface FusionInputs {
  textLogProbs: Float32Array[];
  imageLogProbs: Float32Array[];
  labels: number[];
}

/** Log-probabilities of an MLP head, the fusion head's inputs (LogSoftmax in the exported graph). */
export function mlpLogProbs(layers: Dense[], x: Float32Array[]): Float32Array[] {
  return mlpProbs(layers, x, true);
}

/**
 * Late fusion: a class-weighted, L2-regularised logistic regression over the two heads' log
 * probabilities. It is fitted on rows the base models never trained on (the validation split),
 * so it learns how far to trust each modality on unseen movies rather than on memorised ones.
 */
export async function trainFusion(data: FusionInputs, options: { steps: number; learningRate: number; l2: number; seed: number }): Promise<Dense> {
  if (data.labels.length === 0) throw new Error('no validation rows with both a plot and a poster: the fusion layer has nothing to fit');
  const fusion = initDense(2 * K, K, options.seed);
  const loss = balancedLoss(data.labels.map(oneHot));
  const optimizer = tf.train.adam(options.learningRate);
  const t = matrix(data.textLogProbs);
  const i = matrix(data.imageLogProbs);
  const y = matrix(loss.labels);
  const w = tf.tensor1d(loss.weights);
  for (let step = 0; step < options.steps; step++) {
    optimizer.minimize(
      () => tf.add(tf.losses.softmaxCrossEntropy(y, fusionLogits(fusion, t, i), w, undefined, tf.Reduction.MEAN), tf.mul(options.l2, tf.sum(tf.square(fusion.w)))),
      false,
      layerVars([fusion]),
    )?.dispose();
  }
  tf.dispose([t, i, y, w]);
  optimizer.dispose();
  return (await release([fusion]))[0];
}

/** Fusion probabilities from the two heads' log-probabilities. */
export function fusionProbsFromLogProbs(fusion: Dense, data: Omit<FusionInputs, 'labels'>): Float32Array[] {
  const f = denseVars(fusion);
  const out = batchedProbs(data.textLogProbs.length, 512, (s, e) =>
    fusionLogits(f, matrix(data.textLogProbs.slice(s, e)), matrix(data.imageLogProbs.slice(s, e))),
  );
  tf.dispose([f.w, f.b]);
  return out;
}

/** Fusion probabilities from text vectors and image features (tfjs reference of the exported fusion head). */
export function fusionProbs(heads: { textHead: Dense[]; imageHead: Dense[]; fusion: Dense }, textVectors: Float32Array[], imageFeatures: Float32Array[]): Float32Array[] {
  return fusionProbsFromLogProbs(heads.fusion, {
    textLogProbs: mlpLogProbs(heads.textHead, textVectors),
    imageLogProbs: mlpLogProbs(heads.imageHead, imageFeatures),
  });
}
