import { GENRES } from '../../src/shared/labels';
import type { TrainConfig } from '../config';
import { calibration } from '../evaluate/calibration';
import { argmax, computeMetrics } from '../evaluate/metrics';
import { logSoftmax } from './bagModel';
import { chooseRule, ruleBias, type DecisionRule } from './decisionRule';
import { fitSoftmax, fusionRows, linearLogits } from './fusion';
import { calibrateTopLabel, chooseTopLabelMap, fitTopLabelMap, type TopLabelMap } from './topLabel';
import { crossFit } from './crossFit';
import { divideBy, divideByGenre, fitGenreTemperatures, fitTemperature, topLabelLoss } from './temperature';

/**
 * The ways of calibrating an answer that docs/decisions/model-calibration.md compares, each fitted on the
 * validation split and scored there (5-fold cross-fitted) and on the test split. The pipeline builds in
 * the chosen one (topLabel.ts); the others live here only, for the record's command.
 */

/** One answer to calibrate: its genre logits after the decision rule, and for fusion the heads' own log-probabilities. */
export interface AnswerRow {
  ruled: Float32Array;
  label: number;
  text?: Float32Array;
  image?: Float32Array;
}

/** Fit on some rows, return what turns rows into logits (the answer is their softmax and argmax). */
type Option = (fit: AnswerRow[]) => (rows: AnswerRow[]) => Float32Array[];

const labelsOf = (rows: AnswerRow[]) => Int32Array.from(rows, (r) => r.label);
const probs = (logits: Float32Array[]) => logits.map((l) => logSoftmax(l).map(Math.exp));
const K = GENRES.length;

/** A top-label map fitted on the rows, applied to the answers' probabilities (as log-probabilities: logits whose softmax they are). */
const topLabel =
  (fitMap: (fit: AnswerRow[]) => TopLabelMap): Option =>
  (fit) => {
    const map = fitMap(fit);
    return (rows) => probs(rows.map((r) => r.ruled)).map((p) => calibrateTopLabel(p, map).map(Math.log));
  };

export function calibrationOptions(rule: DecisionRule, config: TrainConfig, fusion: boolean): Record<string, Option> {
  const bias = ruleBias(rule);
  const raw = (rows: AnswerRow[]) => rows.map((r) => r.ruled.map((v, c) => v - bias[c]));
  const uniform = new Float64Array(K).fill(1);
  const options: Record<string, Option> = {
    none: () => (rows) => rows.map((r) => r.ruled),
    'temperature (NLL)': (fit) => {
      const t = fitTemperature(fit.map((r) => r.ruled), labelsOf(fit));
      return (rows) => divideBy(rows.map((r) => r.ruled), t);
    },
    'temperature (top-label log loss)': (fit) => {
      const t = fitTemperature(fit.map((r) => r.ruled), labelsOf(fit), topLabelLoss);
      return (rows) => divideBy(rows.map((r) => r.ruled), t);
    },
    'temperature per top genre (NLL)': (fit) => {
      const t = fitGenreTemperatures(fit.map((r) => r.ruled), labelsOf(fit));
      return (rows) => divideByGenre(rows.map((r) => r.ruled), t);
    },
    // The temperature on the heads' own logits, then beta chosen again by the decision rule's criterion.
    'temperature, then the rule refitted': (fit) => {
      const t = fitTemperature(raw(fit), labelsOf(fit));
      const { rule: refit } = chooseRule(divideBy(raw(fit), t), labelsOf(fit), rule.prior, config.rule.betas, config.rule.minMacroF1);
      const b = ruleBias(refit);
      return (rows) => divideBy(raw(rows), t).map((l) => l.map((v, c) => v + b[c]));
    },
    // A 7 × 7 matrix and a bias on the logits by plain maximum likelihood (vector scaling is its diagonal case).
    'matrix scaling': (fit) => {
      const layer = fitSoftmax(fit.map((r) => r.ruled), labelsOf(fit), config.fusion, uniform);
      return (rows) => linearLogits(rows.map((r) => r.ruled), layer);
    },
  };
  const topLabels: Record<string, Option> = {
    'top-label: isotonic': topLabel((fit) => fitTopLabelMap(probs(fit.map((r) => r.ruled)), labelsOf(fit), 'isotonic', config.fusion)),
    'top-label: logistic per top genre': topLabel((fit) => fitTopLabelMap(probs(fit.map((r) => r.ruled)), labelsOf(fit), 'logistic per top genre', config.fusion)),
    // What the pipeline does: of the two, the one with the lower cross-fitted ECE on the rows it fits.
    'top-label: the better of the two': topLabel((fit) => chooseTopLabelMap(probs(fit.map((r) => r.ruled)), labelsOf(fit), config.fusion).map),
  };
  if (!fusion) return { ...options, ...topLabels };
  const inputs = (rows: AnswerRow[]) => ({ textLogProbs: rows.map((r) => r.text!), imageLogProbs: rows.map((r) => r.image!) });
  // z = s · (2λ · text + 2(1 - λ) · image + rule): λ = 0.5, s = 1 is today's sum; both fitted by NLL.
  const weighted = (rows: AnswerRow[], lambda: number) => rows.map((r) => r.text!.map((t, c) => 2 * lambda * t + 2 * (1 - lambda) * r.image![c] + bias[c]));
  return {
    ...options,
    'weighted sum, fitted by NLL': (fit) => {
      const labels = labelsOf(fit);
      const lambdas = Array.from({ length: 13 }, (_, k) => 0.2 + 0.05 * k);
      const fits = lambdas.map((lambda) => {
        const logits = weighted(fit, lambda);
        const t = fitTemperature(logits, labels);
        return { lambda, t, nll: calibration(probs(divideBy(logits, t)), labels).nll };
      });
      const best = fits.reduce((a, b) => (b.nll < a.nll ? b : a));
      return (rows) => divideBy(weighted(rows, best.lambda), best.t);
    },
    // The class-weighted regression the pipeline also tries, its own beta, then a temperature; beta and the
    // temperature are fitted on the regression's out-of-fold logits.
    'fitted regression, rule and temperature': (fit) => {
      const labels = labelsOf(fit);
      const heldOut = crossFit(labels, (f, held) => linearLogits(fusionRows(inputs(held.map((i) => fit[i]))), fitSoftmax(fusionRows(inputs(f.map((i) => fit[i]))), labelsOf(f.map((i) => fit[i])), config.fusion)));
      const { rule: refit } = chooseRule(heldOut, labels, rule.prior, config.rule.betas, config.rule.minMacroF1);
      const b = ruleBias(refit);
      const t = fitTemperature(heldOut.map((l) => l.map((v, c) => v + b[c])), labels);
      const layer = fitSoftmax(fusionRows(inputs(fit)), labels, config.fusion);
      return (rows) => divideBy(linearLogits(fusionRows(inputs(rows)), layer).map((l) => l.map((v, c) => v + b[c])), t);
    },
    ...topLabels,
  };
}

export interface OptionFigures {
  ece: number;
  nll: number;
  balancedAccuracy: number;
  accuracy: number;
  macroF1: number;
  /** Share of answers whose top genre differs from the uncalibrated answer's. */
  topChanged: number;
}

function figures(logits: Float32Array[], rows: AnswerRow[]): OptionFigures {
  const labels = labelsOf(rows);
  const p = probs(logits);
  const top = p.map(argmax);
  const m = computeMetrics([...labels], top);
  const { ece, nll } = calibration(p, labels);
  const changed = top.filter((t, r) => t !== argmax(rows[r].ruled)).length / rows.length;
  return { ece, nll, balancedAccuracy: m.balancedAccuracy, accuracy: m.accuracy, macroF1: m.macroF1, topChanged: Math.round(changed * 10000) / 10000 };
}

/** Each option's figures on validation (cross-fitted) and on test (fitted on all of validation). */
export function compareOptions(options: Record<string, Option>, validation: AnswerRow[], test: AnswerRow[]) {
  return Object.fromEntries(
    Object.entries(options).map(([name, option]) => {
      const crossFitted = crossFit(labelsOf(validation), (fit, held) => option(fit.map((i) => validation[i]))(held.map((i) => validation[i])));
      return [name, { validation: figures(crossFitted, validation), test: figures(option(validation)(test), test) }];
    }),
  );
}
