import { GENRES } from '../../src/shared/labels';
import { argmax } from '../evaluate/metrics';

// Temperature scaling, one of the calibrations docs/decisions/model-calibration.md measures
// (calibrationOptions.ts) against the top-label maps that the pipeline uses (topLabel.ts).

/**
 * The minimum of a function that falls, then rises, on [lo, hi], by golden-section search. Hand-written:
 * eight lines for a one-parameter fit, where an optimisation package would bring a general minimiser.
 */
function goldenMinimum(f: (x: number) => number, lo: number, hi: number, iterations = 80): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [lo, hi];
  for (let k = 0; k < iterations; k++) {
    const [c, d] = [b - r * (b - a), a + r * (b - a)];
    if (f(c) <= f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

/** Mean negative log-likelihood of the labels under softmax(logits · scale), in float64 (the search needs its small differences). */
function meanNll(logits: ArrayLike<number>[], labels: ArrayLike<number>, scale = 1): number {
  let sum = 0;
  logits.forEach((l, r) => {
    let max = -Infinity;
    for (let c = 0; c < l.length; c++) max = Math.max(max, l[c] * scale);
    let exp = 0;
    for (let c = 0; c < l.length; c++) exp += Math.exp(l[c] * scale - max);
    sum += Math.log(exp) + max - l[labels[r]] * scale;
  });
  return sum / logits.length;
}

/**
 * Mean log loss of "the top genre is right" under the top genre's probability in softmax(logits · scale):
 * what top-label calibration asks of the one probability an answer leads with.
 */
export function topLabelLoss(logits: ArrayLike<number>[], labels: ArrayLike<number>, scale = 1): number {
  let sum = 0;
  logits.forEach((l, r) => {
    const top = argmax(l);
    // S = sum of exp((l_j - l_top) · scale) >= 1: the top probability is 1/S, the rest (S - 1)/S.
    let s = 0;
    for (let c = 0; c < l.length; c++) s += Math.exp((l[c] - l[top]) * scale);
    sum += top === labels[r] ? Math.log(s) : Math.log(s) - Math.log(Math.max(s - 1, 1e-300));
  });
  return sum / logits.length;
}

export type CalibrationLoss = typeof meanNll;

/**
 * Temperature scaling: the T that minimises a loss (the NLL unless told) of softmax(logits / T) on rows the
 * model did not train on. Dividing an answer's logits by one number keeps its ranking, so the decision
 * rule's genre and its balanced accuracy stay as they were; only the probabilities move. The NLL is convex
 * in 1/T, so the golden-section search finds its minimum (T between 0.2 and 50).
 */
export function fitTemperature(logits: ArrayLike<number>[], labels: ArrayLike<number>, loss: CalibrationLoss = meanNll): number {
  if (logits.length === 0) return 1;
  return 1 / goldenMinimum((scale) => loss(logits, labels, scale), 0.02, 5);
}

export const divideBy = (logits: Float32Array[], temperature: number): Float32Array[] => logits.map((l) => l.map((v) => v / temperature));

/** Answers of a top genre fewer than this share the temperature fitted on all answers. */
const MIN_ANSWERS = 20;

/**
 * One temperature per top genre: each answer's logits are divided by the temperature of its own top genre,
 * fitted on the validation answers that name the same genre first. The decision rule names the small genres
 * readily, so an answer naming Animation is right far less often than one naming Drama with the same
 * probability; one temperature for all cannot mend both. The ranking of each answer stays as it was.
 */
export function fitGenreTemperatures(logits: Float32Array[], labels: ArrayLike<number>, loss: CalibrationLoss = meanNll): number[] {
  const all = fitTemperature(logits, labels, loss);
  return GENRES.map((_, c) => {
    const rows = [...logits.keys()].filter((r) => argmax(logits[r]) === c);
    return rows.length < MIN_ANSWERS ? all : fitTemperature(rows.map((r) => logits[r]), rows.map((r) => labels[r]), loss);
  });
}

/** Each answer's logits divided by the temperature of its top genre. */
export const divideByGenre = (logits: Float32Array[], temperatures: number[]): Float32Array[] => logits.map((l) => divideBy([l], temperatures[argmax(l)])[0]);
