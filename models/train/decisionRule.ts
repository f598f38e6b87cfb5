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
  /** Validation figures of each β tried. */
  tried: { beta: number; balancedAccuracy: number; macroF1: number; accuracy: number }[];
}

/**
 * The β of `betas` with the best mean of balanced accuracy and macro-F1 on the given (held-out) logits:
 * the two targets weigh the same, so neither is bought wholly with the other.
 */
export function chooseRule(logits: Float32Array[], labels: Int32Array, prior: number[], betas: number[]): RuleChoice {
  const tried = betas.map((beta) => {
    const bias = ruleBias({ beta, prior });
    const m = computeMetrics([...labels], logits.map((l) => argmax(l.map((v, c) => v + bias[c]))));
    return { beta, balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1, accuracy: m.accuracy };
  });
  const best = tried.reduce((a, b) => (b.balancedAccuracy + b.macroF1 > a.balancedAccuracy + a.macroF1 ? b : a));
  return { rule: { beta: best.beta, prior }, tried };
}
