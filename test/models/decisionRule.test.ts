import { describe, expect, it } from 'vitest';
import { betterChoice, chooseRule, genrePrior, ruleBias, type RuleChoice } from '../../models/train/decisionRule';

describe('decision rule', () => {
  it('adds beta times the log prior to the logits', () => {
    const prior = genrePrior([0, 0, 0, 1, 2, 3, 4, 5, 6, 6]);
    expect(prior[0]).toBeCloseTo(0.3);
    const bias = ruleBias({ beta: 0.5, prior });
    expect(bias[0]).toBeCloseTo(0.5 * Math.log(0.3));
    expect(ruleBias({ beta: 0, prior }).every((b) => b === 0)).toBe(true);
  });

  it('takes the beta with the best balanced accuracy among those that keep macro-F1 at the floor', () => {
    // Two genres of ten movies; genre 1 is rare (1 in 10) and the logits lean towards it.
    const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const prior = [0.9, 0.1, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9].map((p) => p / (1 + 5e-9));
    const logits = [0.1, 0.2, 0.3, 0.9, 1.2, 1.5, 1.8, 2.5, 3, 3.1].map((lean) => Float32Array.of(0, lean, -50, -50, -50, -50, -50));
    const choice = chooseRule(logits, labels, prior, [0, 0.5, 1], 0.5);
    expect(choice.tried.map((t) => t.beta)).toEqual([0, 0.5, 1]);
    const kept = choice.tried.filter((t) => t.macroF1 >= 0.5);
    expect(kept.length).toBeGreaterThan(0);
    expect(choice.rule.beta).toBe(kept.reduce((a, b) => (b.balancedAccuracy > a.balancedAccuracy ? b : a)).beta);
    // With an unreachable floor, the best mean of the two.
    const none = chooseRule(logits, labels, prior, [0, 0.5, 1], 2);
    const mean = (t: (typeof none.tried)[number]) => t.balancedAccuracy + t.macroF1;
    expect(none.rule.beta).toBe(none.tried.reduce((a, b) => (mean(b) > mean(a) ? b : a)).beta);
    expect(none.chosen.meetsFloor).toBe(false);
  });

  it('prefers the way of answering that keeps the floor, then the better balanced accuracy, then the second', () => {
    const choice = (balancedAccuracy: number, meetsFloor: boolean): RuleChoice => ({ rule: { beta: 0, prior: [] }, chosen: { balancedAccuracy, macroF1: 0.5, meetsFloor }, tried: [] });
    expect(betterChoice(['fitted', choice(0.5, true)], ['summed', choice(0.52, false)])).toBe('fitted');
    expect(betterChoice(['fitted', choice(0.6, true)], ['summed', choice(0.61, true)])).toBe('summed');
    expect(betterChoice(['fitted', choice(0.62, true)], ['summed', choice(0.61, true)])).toBe('fitted');
    expect(betterChoice(['fitted', choice(0.6, true)], ['summed', choice(0.6, true)])).toBe('summed');
  });
});
