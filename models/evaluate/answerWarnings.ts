import { plotWords } from '../../src/shared/plotFeatures';
import { calibration } from './calibration';
import { argmax, computeMetrics } from './metrics';

/**
 * The measurements behind src/shared/warningThresholds.ts (docs/decisions/answer-warnings.md): how good
 * an answer is by the length of its plot, and by its top probability.
 */

/** The plot cut after its first `n` words (as plotFeatures.ts counts words), punctuation inside kept. */
export function firstWords(plot: string, n: number): string {
  const words = plotWords(plot);
  return words.length <= n ? plot : plot.slice(0, words[n - 1].end);
}

export interface AnswerFigures {
  answers: number;
  balancedAccuracy: number;
  accuracy: number;
  /** Mean top probability: what the answers claim, next to the accuracy they reach. */
  meanTop: number;
  ece: number;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export function answerFigures(probs: ArrayLike<number>[], labels: number[]): AnswerFigures {
  const m = computeMetrics(labels, probs.map(argmax));
  const meanTop = probs.reduce((s, p) => s + p[argmax(p)], 0) / Math.max(1, probs.length);
  return { answers: probs.length, balancedAccuracy: m.balancedAccuracy, accuracy: m.accuracy, meanTop: round(meanTop), ece: calibration(probs, labels).ece };
}

export interface ConfidenceBin {
  from: number;
  to: number;
  count: number;
  accuracy: number | null;
}

/** Accuracy of the top genre in bins of the top probability, `width` wide: calibration()'s bins, finer. */
export function confidenceBins(probs: ArrayLike<number>[], labels: number[], width = 0.05): ConfidenceBin[] {
  return calibration(probs, labels, Math.round(1 / width)).bins.map(({ from, to, count, accuracy }) => ({ from, to, count, accuracy }));
}

/**
 * The top probability below which the top genre is right less than half the time: going down from the
 * most confident bin, the upper edge of the first bin (of at least `minCount` answers) whose accuracy is
 * under one half.
 */
export function lowConfidenceEdge(bins: ConfidenceBin[], minCount = 30): number | null {
  for (const bin of [...bins].reverse()) if (bin.count >= minCount && bin.accuracy! < 0.5) return bin.to;
  return null;
}

/**
 * The shortest measured length from which on (at it and every longer one) `answer` reaches the poster-only
 * answer's balanced accuracy on the same movies: below it, a plot tells less than the poster would (plot
 * only), or pulls the poster's answer down (plot + poster).
 */
export function shortestUseful<Row extends { words: number; poster: AnswerFigures }>(byLength: Row[], answer: (row: Row) => AnswerFigures): number | null {
  let shortest: number | null = null;
  for (const row of [...byLength].reverse()) {
    if (answer(row).balancedAccuracy < row.poster.balancedAccuracy) break;
    shortest = row.words;
  }
  return shortest;
}
