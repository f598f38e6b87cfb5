import type { HeadCalibration } from '../../src/shared/evaluationReport';
import { argmax } from './metrics';

export const RELIABILITY_BINS = 10;
/** Probabilities are float32: one of exactly 0 would make the NLL infinite, so it counts as this. */
const MIN_PROBABILITY = 1e-12;
const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * How far the top genre's probability is from how often the top genre is right, over `bins` equal-width
 * bins of the top probability, and the NLL of the true genre. Hand-written: a dozen lines, and no npm
 * library computes top-label ECE with its bins.
 */
export function calibration(probs: ArrayLike<number>[], labels: ArrayLike<number>, bins = RELIABILITY_BINS): HeadCalibration {
  const sums = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  let nll = 0;
  probs.forEach((p, r) => {
    const top = argmax(p);
    const bin = sums[Math.min(bins - 1, Math.floor(p[top] * bins))];
    bin.count++;
    bin.confidence += p[top];
    if (top === labels[r]) bin.correct++;
    nll -= Math.log(Math.max(p[labels[r]], MIN_PROBABILITY));
  });
  const n = probs.length;
  const ece = sums.reduce((e, b) => e + (b.count ? Math.abs(b.correct - b.confidence) / n : 0), 0);
  return {
    ece: round(ece),
    nll: round(n ? nll / n : 0),
    bins: sums.map((b, k) => ({
      from: round(k / bins),
      to: round((k + 1) / bins),
      count: b.count,
      confidence: b.count ? round(b.confidence / b.count) : null,
      accuracy: b.count ? round(b.correct / b.count) : null,
    })),
  };
}
