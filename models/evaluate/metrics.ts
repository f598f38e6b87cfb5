import { GENRES } from '../../src/shared/labels';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  count: number;
  accuracy: number;
  /** Mean per-class recall: the figure comparable to the original project's class-balanced test set. */
  balancedAccuracy: number;
  macroF1: number;
  perClass: Record<string, ClassScores>;
  /** confusion[true][predicted], in GENRES order. */
  confusion: number[][];
  /** Accuracy per poster_source (only when sources were given). */
  bySource?: Record<string, { count: number; accuracy: number }>;
}

export const argmax = (p: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
};

const round = (x: number) => Math.round(x * 10000) / 10000;

export function computeMetrics(labels: number[], predicted: number[], sources?: string[]): Metrics {
  const k = GENRES.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  labels.forEach((y, i) => confusion[y][predicted[i]]++);
  const perClass: Record<string, ClassScores> = {};
  let recallSum = 0;
  let f1Sum = 0;
  let present = 0;
  GENRES.forEach((genre, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[genre] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
    // Classes absent from the evaluated rows would make every mean meaningless; skip them.
    if (support) {
      present++;
      recallSum += recall;
      f1Sum += f1;
    }
  });
  const correct = labels.filter((y, i) => y === predicted[i]).length;
  const metrics: Metrics = {
    count: labels.length,
    accuracy: round(labels.length ? correct / labels.length : 0),
    balancedAccuracy: round(present ? recallSum / present : 0),
    macroF1: round(present ? f1Sum / present : 0),
    perClass,
    confusion,
  };
  if (sources) {
    const bySource: Record<string, { count: number; accuracy: number }> = {};
    for (const source of [...new Set(sources)].sort()) {
      const idx = sources.flatMap((s, i) => (s === source ? [i] : []));
      const ok = idx.filter((i) => labels[i] === predicted[i]).length;
      bySource[source] = { count: idx.length, accuracy: round(ok / idx.length) };
    }
    metrics.bySource = bySource;
  }
  return metrics;
}

/** The headline figures only, for logs, the manifest and the README. */
export const summary = (m: Metrics) => ({ count: m.count, balancedAccuracy: m.balancedAccuracy, accuracy: m.accuracy, macroF1: m.macroF1 });
