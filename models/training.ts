import { SingleBar, Presets } from 'cli-progress';
import { GENRES } from '../src/shared/labels';
import { argmax, computeMetrics } from './metrics';
import { seededRandom, shuffle } from './random';
import { tf } from './tfBackend';

export interface TrainOptions {
  /** Most epochs; early stopping usually ends sooner. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation balanced accuracy before stopping. */
  patience: number;
  seed: number;
  name: string;
  progress?: boolean;
}

export interface TrainProblem {
  variables: tf.Variable[];
  trainLabels: number[];
  /** Logits for the given training rows (with dropout etc.: training mode). */
  trainLogits(rows: number[]): tf.Tensor2D;
  /** Probabilities for every validation row (inference mode). */
  validationProbs(): Float32Array[];
  validationLabels: number[];
}

export interface TrainResult {
  bestEpoch: number;
  epochsRun: number;
  /** Validation balanced accuracy after each epoch. */
  history: number[];
}

/** Inverse class frequency, normalised to mean 1 over the rows: every class weighs the same in the loss. */
export function balancedClassWeights(labels: number[]): number[] {
  const counts = new Array<number>(GENRES.length).fill(0);
  for (const y of labels) counts[y]++;
  return counts.map((c) => (c ? labels.length / (GENRES.length * c) : 0));
}

export const balancedAccuracy = (probs: Float32Array[], labels: number[]) =>
  computeMetrics(labels, probs.map((p) => argmax(p))).balancedAccuracy;

/**
 * Mini-batch Adam on class-weighted cross-entropy. Early stopping watches the validation split's
 * balanced accuracy (the target metric) and restores the best epoch's weights.
 */
export function train(problem: TrainProblem, options: TrainOptions): TrainResult {
  const random = seededRandom(options.seed);
  const weights = balancedClassWeights(problem.trainLabels);
  const optimizer = tf.train.adam(options.learningRate);
  const n = problem.trainLabels.length;
  const steps = Math.ceil(n / options.batchSize);
  const bar = options.progress
    ? new SingleBar({ format: `${options.name.padEnd(12)} [{bar}] epoch {epoch} val bal.acc {score} (best {best})` }, Presets.shades_classic)
    : undefined;
  bar?.start(options.epochs * steps, 0, { epoch: 1, score: '-', best: '-' });

  let best = -1;
  let bestEpoch = 0;
  let bestValues: tf.Tensor[] = [];
  const history: number[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = shuffle([...Array(n).keys()], random);
    for (let s = 0; s < steps; s++) {
      const rows = order.slice(s * options.batchSize, (s + 1) * options.batchSize);
      const loss = optimizer.minimize(
        () => {
          const labels = tf.oneHot(tf.tensor1d(rows.map((r) => problem.trainLabels[r]), 'int32'), GENRES.length);
          const w = tf.tensor1d(rows.map((r) => weights[problem.trainLabels[r]]));
          return tf.losses.softmaxCrossEntropy(labels, problem.trainLogits(rows), w, undefined, tf.Reduction.MEAN);
        },
        false,
        problem.variables,
      );
      loss?.dispose();
      bar?.increment(1, { epoch });
    }
    const score = balancedAccuracy(problem.validationProbs(), problem.validationLabels);
    history.push(score);
    if (score > best) {
      best = score;
      bestEpoch = epoch;
      bestValues.forEach((t) => t.dispose());
      bestValues = problem.variables.map((v) => tf.keep(v.clone()));
    }
    bar?.update({ epoch, score: score.toFixed(4), best: best.toFixed(4) });
    if (epoch - bestEpoch >= options.patience) break;
  }
  bar?.update(options.epochs * steps);
  bar?.stop();
  problem.variables.forEach((v, i) => v.assign(bestValues[i]));
  bestValues.forEach((t) => t.dispose());
  optimizer.dispose();
  return { bestEpoch, epochsRun: history.length, history };
}

/** Run `fn` over rows in chunks inside tf.tidy, collecting one probability row per input row. */
export function batchedProbs(count: number, chunk: number, fn: (start: number, end: number) => tf.Tensor2D): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const probs = tf.tidy(() => tf.softmax(fn(start, end)));
    const data = probs.dataSync() as Float32Array;
    probs.dispose();
    for (let i = 0; i < end - start; i++) out.push(data.slice(i * GENRES.length, (i + 1) * GENRES.length));
  }
  return out;
}
