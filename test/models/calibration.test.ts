import { describe, expect, it } from 'vitest';
import { calibrationSchema } from '../../src/shared/evaluationReport';
import { GENRES } from '../../src/shared/labels';
import { DEFAULT_CONFIG } from '../../models/config';
import { calibration } from '../../models/evaluate/calibration';
import { divideByGenre, fitGenreTemperatures, fitTemperature } from '../../models/train/temperature';
import { calibrateTopLabel, fitTopLabelMap, GRID, isotonicKnots, TOP_MARGIN, type TopLabelMap } from '../../models/train/topLabel';

describe('top-label calibration', () => {
  // Five answers over three genres, worked out by hand:
  //   top 0.95 right (bin 9), 0.85 wrong (bin 8), 0.625 right and 0.6875 right (bin 6), 0.5 wrong (bin 5).
  const probs = [
    [0.95, 0.03, 0.02],
    [0.85, 0.1, 0.05],
    [0.25, 0.625, 0.125],
    [0.375, 0.5, 0.125],
    [0.6875, 0.25, 0.0625],
  ];
  const labels = [0, 1, 1, 2, 0];

  it('bins the top probability in 10 equal-width bins, with count, mean confidence and accuracy', () => {
    const { bins } = calibrationSchema.parse(calibration(probs, labels));
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 1, 1]);
    expect(bins[5]).toEqual({ from: 0.5, to: 0.6, count: 1, confidence: 0.5, accuracy: 0 });
    // (0.625 + 0.6875) / 2 = 0.65625, rounded to 4 decimals.
    expect(bins[6]).toEqual({ from: 0.6, to: 0.7, count: 2, confidence: 0.6563, accuracy: 1 });
    expect(bins[8]).toEqual({ from: 0.8, to: 0.9, count: 1, confidence: 0.85, accuracy: 0 });
    expect(bins[9]).toEqual({ from: 0.9, to: 1, count: 1, confidence: 0.95, accuracy: 1 });
    expect(bins[0]).toEqual({ from: 0, to: 0.1, count: 0, confidence: null, accuracy: null });
  });

  it('gives the ECE and NLL worked out by hand', () => {
    const { ece, nll } = calibration(probs, labels);
    // (1 · |0 - 0.5| + 2 · |1 - 0.65625| + 1 · |0 - 0.85| + 1 · |1 - 0.95|) / 5 = 2.0875 / 5
    expect(ece).toBe(0.4175);
    // -(ln 0.95 + ln 0.1 + ln 0.625 + ln 0.125 + ln 0.6875) / 5 = 5.278017 / 5
    expect(nll).toBe(1.0556);
  });

  it('puts a top probability of 1 in the last bin, and a true genre given probability 0 does not make the NLL infinite', () => {
    const result = calibration([[1, 0, 0]], [1]);
    expect(result.bins[9]).toMatchObject({ count: 1, confidence: 1, accuracy: 0 });
    expect(result.ece).toBe(1);
    expect(result.nll).toBeCloseTo(-Math.log(1e-12), 3);
  });

  it('is perfectly calibrated when each bin is right as often as it says', () => {
    // Four answers at 0.75 with three right: accuracy 0.75 = confidence.
    const p = [0.75, 0.25];
    expect(calibration([p, p, p, p], [0, 0, 0, 1]).ece).toBe(0);
  });
});

describe('temperature scaling', () => {
  // Two genres, logits [2, 0], the first right in 80% of the rows: the NLL is least where
  // sigmoid(2 / T) = 0.8, that is T = 2 / ln 4.
  const logits = Array.from({ length: 10 }, () => Float32Array.of(2, 0));
  const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);

  it('finds the temperature that minimises the NLL', () => {
    expect(fitTemperature(logits, labels)).toBeCloseTo(2 / Math.log(4), 5);
  });

  it('fits one temperature per top genre, from the answers that name it first', () => {
    // 20 answers name genre 0 first and are right 80% of the time, 20 name genre 1 and are right 60%:
    // sigmoid(2 / T) = 0.8 and 0.6. Genres no answer names first share the temperature of all 40.
    const answers = [...logits, ...logits, ...Array.from({ length: 20 }, () => Float32Array.of(0, 2))];
    const right = Int32Array.from([...labels, ...labels, ...Array.from({ length: 20 }, (_, k) => (k < 12 ? 1 : 0))]);
    const temperatures = fitGenreTemperatures(answers, right);
    expect(temperatures).toHaveLength(7);
    expect(temperatures[0]).toBeCloseTo(2 / Math.log(4), 4);
    expect(temperatures[1]).toBeCloseTo(2 / Math.log(1.5), 4);
    expect(temperatures[2]).toBeCloseTo(fitTemperature(answers, right), 6);
  });

  it('keeps every answer’s ranking', () => {
    const mixed = [Float32Array.of(3, -1, 0.5), Float32Array.of(-2, 4, 1), Float32Array.of(0, 0.2, 0.1)];
    const answers = [...mixed, ...mixed, ...mixed];
    const out = divideByGenre(answers, fitGenreTemperatures(answers, Int32Array.from([1, 1, 2, 0, 1, 2, 0, 0, 2])));
    out.forEach((l, r) => {
      const order = (x: Float32Array) => [...x.keys()].sort((a, b) => x[b] - x[a]);
      expect(order(l)).toEqual(order(mixed[r % 3]));
    });
  });
});

describe('top-label calibration maps', () => {
  const constantMap = (value: number): TopLabelMap => ({ kind: 'isotonic', values: GENRES.map(() => GRID.map(() => value)) });

  it('fits the isotonic curve by pooling adjacent violators', () => {
    // Right (1) or wrong (0) at four top probabilities: 1 then 0 violate the order and pool to 0.5.
    expect(isotonicKnots([0.4, 0.1, 0.3, 0.2], [1, 0, 0, 1])).toEqual([
      { x: 0.1, y: 0 },
      { x: 0.25, y: 0.5 },
      { x: 0.4, y: 1 },
    ]);
  });

  it('maps the top genre’s probability and shares the rest among the others in proportion', () => {
    const out = calibrateTopLabel([0.7, 0.2, 0.1, 0, 0, 0, 0], constantMap(0.5));
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[1]).toBeCloseTo(0.2 * (0.5 / 0.3), 6);
    expect(out[2]).toBeCloseTo(0.1 * (0.5 / 0.3), 6);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('keeps the top genre above the second when the map would put it below', () => {
    // Mapped to 0.2, Action would fall under Animation's 0.35 · 0.8 / 0.6; it is kept just above it.
    const out = calibrateTopLabel([0.4, 0.35, 0.25, 0, 0, 0, 0], constantMap(0.2));
    expect(out[0]).toBeCloseTo(0.35 / 0.95 + TOP_MARGIN, 6);
    expect(out[0]).toBeGreaterThan(out[1]);
    expect(out[1]).toBeGreaterThan(out[2]);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('is right as often as it says on the answers it was fitted on, per bin', () => {
    // 40 answers at top 0.9 right half the time, 40 at 0.5 right a quarter of the time: isotonic maps
    // 0.9 to 0.5 and 0.5 to 0.25 (the floor under the second genre stays below both).
    const p9 = Float32Array.of(0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01);
    const p5 = Float32Array.of(0.5, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05);
    const probs = [...Array(40).fill(p9), ...Array(40).fill(p5)];
    const labels = Int32Array.from([...Array.from({ length: 40 }, (_, k) => (k < 20 ? 0 : 1)), ...Array.from({ length: 40 }, (_, k) => (k < 10 ? 0 : 1))]);
    const map = fitTopLabelMap(probs, labels, 'isotonic', DEFAULT_CONFIG.fusion);
    expect(calibrateTopLabel(p9, map)[0]).toBeCloseTo(0.5, 6);
    expect(calibrateTopLabel(p5, map)[0]).toBeCloseTo(0.25, 6);
    expect(calibration(probs.map((p) => calibrateTopLabel(p, map)), labels).ece).toBe(0);
  });
});
