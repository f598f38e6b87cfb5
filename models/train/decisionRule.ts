import { GENRES } from '../../src/shared/labels';
import { argmax, computeMetrics } from '../evaluate/metrics';

/**
 * The heads are trained as if the seven genres were equally common, so their argmax maximises balanced
 * accuracy but names the small genres too readily (low precision, low macro-F1). Adding β · ln(prior) to
 * the logits moves the answer towards the genres' real shares: β = 0 keeps the balanced rule, β = 1 is
 * the Bayes rule for the dataset's prior. β is chosen on validation.
 */
export interface DecisionRule {
  beta: number;
  /** Each genre's share of the training movies (with posters), in GENRES order. */
  prior: number[];
}

export const ruleBias = (rule: DecisionRule): Float32Array => Float32Array.from(rule.prior, (p) => rule.beta * Math.log(p));

export function genrePrior(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(GENRES.length).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((c) => c / labels.length);
}

export interface RuleChoice {
  rule: DecisionRule;
  /** The chosen β's validation figures, and whether its macro-F1 reaches the floor. */
  chosen: { balancedAccuracy: number; macroF1: number; meetsFloor: boolean };
  /** Validation figures of each β tried. */
  tried: { beta: number; balancedAccuracy: number; macroF1: number; accuracy: number }[];
}

/**
 * Of two ways to answer, each with its chosen rule: the one that keeps the macro-F1 floor; if both do (or
 * neither), the better balanced accuracy; a tie goes to the second (pass the simpler one second).
 */
export function betterChoice<A extends string, B extends string>(a: [A, RuleChoice], b: [B, RuleChoice]): A | B {
  const [x, y] = [a[1].chosen, b[1].chosen];
  if (x.meetsFloor !== y.meetsFloor) return x.meetsFloor ? a[0] : b[0];
  return x.balancedAccuracy > y.balancedAccuracy ? a[0] : b[0];
}

/**
 * The β of `betas` with the best balanced accuracy among those whose macro-F1 reaches `minMacroF1` on the
 * given (held-out) logits: the project's two targets, one as the goal and one as the floor. When no β
 * reaches the floor, the best mean of the two.
 */
export function chooseRule(logits: Float32Array[], labels: Int32Array, prior: number[], betas: number[], minMacroF1: number): RuleChoice {
  const tried = betas.map((beta) => {
    const bias = ruleBias({ beta, prior });
    const m = computeMetrics([...labels], logits.map((l) => argmax(l.map((v, c) => v + bias[c]))));
    return { beta, balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1, accuracy: m.accuracy };
  });
  const floor = tried.filter((t) => t.macroF1 >= minMacroF1);
  const best = floor.length
    ? floor.reduce((a, b) => (b.balancedAccuracy > a.balancedAccuracy ? b : a))
    : tried.reduce((a, b) => (b.balancedAccuracy + b.macroF1 > a.balancedAccuracy + a.macroF1 ? b : a));
  const chosen = { balancedAccuracy: best.balancedAccuracy, macroF1: best.macroF1, meetsFloor: floor.length > 0 };
  return { rule: { beta: best.beta, prior }, chosen, tried };
}
