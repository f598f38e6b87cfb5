import { SingleBar, Presets } from 'cli-progress';
import { GENRES } from '../src/shared/labels';
import { argmax, computeMetrics } from './metrics';
import { matrix } from './networks';
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
  /** One distribution over GENRES per training row (see genreTargets.ts). */
  trainTargets: Float32Array[];
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

/**
 * Class-balanced cross-entropy on soft targets: each class's weight is the inverse of its target mass
 * (normalised to mean 1 over the rows), so every class weighs the same in the loss. Row i's loss,
 * −Σ_c t_ic·w_c·log p_c, is returned as a distribution and a row weight, because tf's softmax
 * cross-entropy gradient (softmax − labels) holds only for labels that sum to 1.
 */
export function balancedLoss(targets: Float32Array[]): { labels: Float32Array[]; weights: number[] } {
  const mass = new Array<number>(GENRES.length).fill(0);
  for (const t of targets) t.forEach((v, c) => (mass[c] += v));
  const classWeight = mass.map((m) => (m ? targets.length / (GENRES.length * m) : 0));
  const weighted = targets.map((t) => t.map((v, c) => v * classWeight[c]));
  const weights = weighted.map((t) => t.reduce((a, b) => a + b, 0));
  return { labels: weighted.map((t, i) => t.map((v) => v / weights[i])), weights };
}

export const balancedAccuracy = (probs: Float32Array[], labels: number[]) =>
  computeMetrics(labels, probs.map((p) => argmax(p))).balancedAccuracy;

/**
 * Mini-batch Adam on class-weighted cross-entropy. Early stopping watches the validation split's
 * balanced accuracy (the target metric) and restores the best epoch's weights.
 */
export function train(problem: TrainProblem, options: TrainOptions): TrainResult {
  const random = seededRandom(options.seed);
  const loss = balancedLoss(problem.trainTargets);
  const optimizer = tf.train.adam(options.learningRate);
  const n = problem.trainTargets.length;
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
      optimizer
        .minimize(
          () => {
            const labels = matrix(rows.map((r) => loss.labels[r]));
            const w = tf.tensor1d(rows.map((r) => loss.weights[r]));
            return tf.losses.softmaxCrossEntropy(labels, problem.trainLogits(rows), w, undefined, tf.Reduction.MEAN);
          },
          false,
          problem.variables,
        )
        ?.dispose();
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

/**
 * Run `fn` (logits) over rows in chunks inside tf.tidy, collecting one row of probabilities per input
 * row, or of log-probabilities with `log`: computed as log-softmax, as the exported graphs do, so a
 * probability that underflows to 0 gives a finite value rather than -Infinity.
 */
export function batchedProbs(count: number, chunk: number, fn: (start: number, end: number) => tf.Tensor2D, log = false): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const probs = tf.tidy(() => (log ? tf.logSoftmax(fn(start, end)) : tf.softmax(fn(start, end))));
    const data = probs.dataSync() as Float32Array;
    probs.dispose();
    for (let i = 0; i < end - start; i++) out.push(data.slice(i * GENRES.length, (i + 1) * GENRES.length));
  }
  return out;
}
