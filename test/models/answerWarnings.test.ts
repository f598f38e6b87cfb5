import { describe, expect, it } from 'vitest';
import { confidenceBins, firstWords, lowConfidenceEdge, shortestUseful, type AnswerFigures } from '../../models/evaluate/answerWarnings';

describe('answer warning measurements', () => {
  it('cuts a plot after its first words as plotFeatures counts them, keeping the text as written', () => {
    const plot = 'A retired hit-man, pulled back for one last job.';
    expect(firstWords(plot, 1)).toBe('A');
    expect(firstWords(plot, 3)).toBe('A retired hit');
    expect(firstWords(plot, 5)).toBe('A retired hit-man, pulled');
    expect(firstWords(plot, 50)).toBe(plot);
  });

  it('bins the top probability and finds where the top genre starts being right at least half the time', () => {
    // 40 answers at 0.42 right 15 times, 40 at 0.47 right 22 times, 40 at 0.62 right 30 times.
    const at = (p: number) => [p, ...Array(6).fill((1 - p) / 6)];
    const probs = [...Array(40).fill(at(0.42)), ...Array(40).fill(at(0.47)), ...Array(40).fill(at(0.62))];
    const labels = [...Array.from({ length: 40 }, (_, k) => (k < 15 ? 0 : 1)), ...Array.from({ length: 40 }, (_, k) => (k < 22 ? 0 : 1)), ...Array.from({ length: 40 }, (_, k) => (k < 30 ? 0 : 1))];
    const bins = confidenceBins(probs, labels);
    expect(bins).toHaveLength(20);
    expect(bins[8]).toEqual({ from: 0.4, to: 0.45, count: 40, accuracy: 0.375 });
    expect(bins[9]).toEqual({ from: 0.45, to: 0.5, count: 40, accuracy: 0.55 });
    expect(bins[12]).toEqual({ from: 0.6, to: 0.65, count: 40, accuracy: 0.75 });
    // Going down from the top: 0.75, 0.55, then 0.375 < 0.5, so below 0.45.
    expect(lowConfidenceEdge(bins)).toBe(0.45);
    // A bin with fewer answers than asked for does not count.
    expect(lowConfidenceEdge(bins, 41)).toBeNull();
  });

  it('finds the shortest length from which on an answer is as good as the poster alone', () => {
    const ba = (balancedAccuracy: number): AnswerFigures => ({ answers: 100, balancedAccuracy, accuracy: 0, meanTop: 0, ece: 0 });
    // Plot only: under the poster's 0.42 up to 10 words, above it from 12 on; a dip at 20 would reset it.
    const rows = [1, 5, 10, 12, 20].map((words, k) => ({ words, poster: ba(0.42), plot: ba([0.2, 0.35, 0.41, 0.45, 0.47][k]) }));
    expect(shortestUseful(rows, (r) => r.plot)).toBe(12);
    expect(shortestUseful(rows.map((r) => (r.words === 20 ? { ...r, plot: ba(0.4) } : r)), (r) => r.plot)).toBeNull();
  });
});
