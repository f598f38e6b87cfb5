import { GENRES } from '../../src/shared/labels';
import { calibration } from '../evaluate/calibration';
import { argmax } from '../evaluate/metrics';
import { fitLogistic, type FusionConfig } from './fusion';
import { crossFit } from './crossFit';

/**
 * Top-label calibration (docs/decisions/model-calibration.md): the probability of an answer's top genre is
 * mapped to how often such answers are right on validation, and the other genres share the rest in their
 * old proportions. The decision rule names the small genres readily, so an answer naming Animation is right
 * less often than one naming Drama with the same probability; a temperature, which only sharpens or
 * flattens all answers alike, does not mend that (the record measures it).
 *
 * A map is a table: the calibrated top probability at each point of GRID, one row per top genre, read by
 * linear interpolation. Two kinds are fitted, and validation picks one per answer:
 * - `isotonic`: one monotone curve for all answers (pool-adjacent-violators over the top probability);
 * - `logistic per top genre`: per top genre, a logistic curve of the top probability's log-odds (Platt scaling).
 */
export type TopLabelKind = 'isotonic' | 'logistic per top genre';

export interface TopLabelMap {
  kind: TopLabelKind;
  /** values[genre][k]: the calibrated probability of a top probability GRID[k] for answers whose top genre is `genre`. */
  values: number[][];
}

export const GRID = Array.from({ length: 51 }, (_, k) => k / 50);
/** The calibrated top genre stays this much above the second: calibration must not change the ranking. */
export const TOP_MARGIN = 1e-4;
/** A top genre with fewer validation answers than this shares the logistic curve of all answers. */
const MIN_ANSWERS = 20;
/** Probabilities are kept this far inside (0, 1), so that log-odds and the shares of the rest stay finite. */
const EDGE = 1e-6;

const clampProbability = (p: number) => Math.min(Math.max(p, EDGE), 1 - EDGE);
const logOdds = (p: number) => Math.log(clampProbability(p) / (1 - clampProbability(p)));
const isRight = (probs: ArrayLike<number>[], labels: ArrayLike<number>) => probs.map((p, r) => (argmax(p) === labels[r] ? 1 : 0));
const topOf = (p: ArrayLike<number>) => p[argmax(p)];

/** The isotonic (non-decreasing) least-squares fit of y on x, as (x, y) knots: pool-adjacent-violators. Hand-written: 15 lines. */
export function isotonicKnots(x: number[], y: number[]): { x: number; y: number }[] {
  const blocks: { sx: number; sy: number; n: number }[] = [];
  for (const i of [...x.keys()].sort((a, b) => x[a] - x[b] || a - b)) {
    blocks.push({ sx: x[i], sy: y[i], n: 1 });
    for (let k = blocks.length - 1; k > 0 && blocks[k - 1].sy / blocks[k - 1].n >= blocks[k].sy / blocks[k].n; k--) {
      const last = blocks.pop()!;
      blocks[k - 1] = { sx: blocks[k - 1].sx + last.sx, sy: blocks[k - 1].sy + last.sy, n: blocks[k - 1].n + last.n };
    }
  }
  return blocks.map((b) => ({ x: b.sx / b.n, y: b.sy / b.n }));
}

/** Linear interpolation between knots sorted by x, constant beyond the first and the last. */
export function interpolate(knots: { x: number; y: number }[], v: number): number {
  if (v <= knots[0].x) return knots[0].y;
  for (let k = 1; k < knots.length; k++) {
    if (v <= knots[k].x) return knots[k - 1].y + ((v - knots[k - 1].x) / (knots[k].x - knots[k - 1].x)) * (knots[k].y - knots[k - 1].y);
  }
  return knots[knots.length - 1].y;
}

export function fitTopLabelMap(probs: ArrayLike<number>[], labels: ArrayLike<number>, kind: TopLabelKind, config: FusionConfig): TopLabelMap {
  const right = isRight(probs, labels);
  if (kind === 'isotonic') {
    const knots = isotonicKnots(probs.map(topOf), right);
    const row = GRID.map((g) => interpolate(knots, g));
    return { kind, values: GENRES.map(() => row) };
  }
  const curve = (rows: number[]) => {
    const { w, b } = fitLogistic(rows.map((r) => Float32Array.of(logOdds(topOf(probs[r])))), rows.map((r) => right[r]), config);
    return GRID.map((g) => 1 / (1 + Math.exp(-(w[0] * logOdds(g) + b[0]))));
  };
  const all = curve([...probs.keys()]);
  return {
    kind,
    values: GENRES.map((_, c) => {
      const rows = [...probs.keys()].filter((r) => argmax(probs[r]) === c);
      return rows.length < MIN_ANSWERS ? all : curve(rows);
    }),
  };
}

/**
 * An answer's probabilities with its top genre's mapped. The other genres keep their proportions; when the
 * mapped value would put the top genre below the second, it is raised to just above it, so the ranking
 * (and the decision rule's answer) stays. graphs.ts builds the same computation into the ONNX graphs.
 */
export function calibrateTopLabel(p: ArrayLike<number>, map: TopLabelMap): Float32Array {
  const top = argmax(p);
  const first = p[top];
  let second = 0;
  for (let c = 0; c < p.length; c++) if (c !== top) second = Math.max(second, p[c]);
  const mapped = interpolate(
    GRID.map((x, k) => ({ x, y: map.values[top][k] })),
    first,
  );
  // With q for the top genre, the second gets second · (1 - q) / (1 - first): q must stay above that.
  const q = Math.min(Math.max(mapped, second / (1 - first + second) + TOP_MARGIN), 1 - EDGE);
  const rest = (1 - q) / Math.max(1 - first, EDGE);
  return Float32Array.from(p, (v, c) => (c === top ? q : v * rest));
}

/**
 * Each kind's cross-fitted validation ECE and NLL, and the map of the kind with the lower ECE fitted on all of
 * validation; equal ECEs (to 4 decimals) go to the lower NLL.
 */
export function chooseTopLabelMap(probs: Float32Array[], labels: Int32Array, config: FusionConfig) {
  const kinds: TopLabelKind[] = ['isotonic', 'logistic per top genre'];
  const tried = kinds.map((kind) => {
    const calibrated = crossFit(labels, (fit, held) => {
      const map = fitTopLabelMap(fit.map((i) => probs[i]), fit.map((i) => labels[i]), kind, config);
      return held.map((i) => calibrateTopLabel(probs[i], map));
    });
    const { ece, nll } = calibration(calibrated, labels);
    return { kind, ece, nll };
  });
  const best = tried.reduce((a, b) => (b.ece < a.ece || (b.ece === a.ece && b.nll < a.nll) ? b : a));
  return { map: fitTopLabelMap(probs, labels, best.kind, config), tried };
}
