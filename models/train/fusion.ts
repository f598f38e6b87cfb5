import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { classWeights, logSoftmax } from './bagModel';

export interface Fusion {
  /** Logistic regression over [text log-probs ‖ image log-probs]: w is 14 × 7, row-major. */
  genres: { w: Float32Array; b: Float32Array };
  /** Per TMDB genre: logit = text · textLogit + image · imageLogit + bias. */
  tmdb: { text: Float32Array; image: Float32Array; bias: Float32Array };
}

export interface FusionInputs {
  textLogProbs: Float32Array[];
  imageLogProbs: Float32Array[];
  textTmdbLogits: Float32Array[];
  imageTmdbLogits: Float32Array[];
  labels: Int32Array;
  tmdbGenres: number[][];
}

export interface FusionConfig {
  steps: number;
  learningRate: number;
  /** L2 penalty on the weights, next to the mean loss. */
  l2: number;
}

const K = GENRES.length;
const T = TMDB_GENRES.length;

/**
 * Full-batch Adam on a linear model's mean loss plus l2 · |w|². `gradient` fills d(loss)/d(logits) for each
 * row; the model is logits = x · w + b. Small problems only (a few thousand rows, a few dozen weights).
 */
function fitLinear(x: Float32Array[], outputs: number, config: FusionConfig, gradient: (row: number, logits: Float64Array, out: Float64Array) => void) {
  const inputs = x[0].length;
  const w = new Float64Array(inputs * outputs);
  const b = new Float64Array(outputs);
  const params = [w, b];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const logits = new Float64Array(outputs);
  const dlogits = new Float64Array(outputs);
  for (let step = 1; step <= config.steps; step++) {
    const grads = [w.map((wi) => 2 * config.l2 * wi), new Float64Array(outputs)];
    x.forEach((row, r) => {
      for (let c = 0; c < outputs; c++) logits[c] = b[c];
      for (let f = 0; f < inputs; f++) for (let c = 0; c < outputs; c++) logits[c] += row[f] * w[f * outputs + c];
      gradient(r, logits, dlogits);
      for (let c = 0; c < outputs; c++) {
        grads[1][c] += dlogits[c];
        for (let f = 0; f < inputs; f++) grads[0][f * outputs + c] += row[f] * dlogits[c];
      }
    });
    params.forEach((p, k) => {
      for (let i = 0; i < p.length; i++) {
        const g = grads[k][i];
        m[k][i] = 0.9 * m[k][i] + 0.1 * g;
        v[k][i] = 0.999 * v[k][i] + 0.001 * g * g;
        p[i] -= (config.learningRate * (m[k][i] / (1 - 0.9 ** step))) / (Math.sqrt(v[k][i] / (1 - 0.999 ** step)) + 1e-8);
      }
    });
  }
  return { w: Float32Array.from(w), b: Float32Array.from(b) };
}

/** Logistic regression of 0/1 targets: sigmoid(x · w + b), by the mean log loss. */
export function fitLogistic(x: Float32Array[], targets: number[], config: FusionConfig): { w: Float32Array; b: Float32Array } {
  return fitLinear(x, 1, config, (r, logits, out) => {
    out[0] = (1 / (1 + Math.exp(-logits[0])) - targets[r]) / x.length;
  });
}

/**
 * Softmax regression, class-weighted by default (each genre weighs the same, as the heads were trained);
 * weights of 1 make it plain maximum likelihood.
 */
export function fitSoftmax(x: Float32Array[], labels: Int32Array, config: FusionConfig, weights: ArrayLike<number> = classWeights(labels)): { w: Float32Array; b: Float32Array } {
  const total = labels.reduce((a, y) => a + weights[y], 0);
  return fitLinear(x, K, config, (r, logits, out) => {
    const p = logSoftmax(logits);
    const y = labels[r];
    for (let c = 0; c < K; c++) out[c] = (weights[y] / total) * (Math.exp(p[c]) - (c === y ? 1 : 0));
  });
}

const fusionRow = (inputs: Pick<FusionInputs, 'textLogProbs' | 'imageLogProbs'>, r: number) => {
  const row = new Float32Array(2 * K);
  row.set(inputs.textLogProbs[r]);
  row.set(inputs.imageLogProbs[r], K);
  return row;
};

/**
 * Fit the fusion on rows neither head trained on (the validation split): there the heads' confidence is
 * what it will be on new movies, so the weights learn how far to trust each.
 */
export function fitFusion(data: FusionInputs, config: FusionConfig): Fusion {
  const genres = fitSoftmax(fusionRows(data), data.labels, config);
  const tmdb = { text: new Float32Array(T), image: new Float32Array(T), bias: new Float32Array(T) };
  for (let c = 0; c < T; c++) {
    const x = data.textTmdbLogits.map((t, r) => Float32Array.of(t[c], data.imageTmdbLogits[r][c]));
    const fit = fitLogistic(x, data.tmdbGenres.map((gs) => (gs.includes(c) ? 1 : 0)), config);
    [tmdb.text[c], tmdb.image[c], tmdb.bias[c]] = [fit.w[0], fit.w[1], fit.b[0]];
  }
  return { genres, tmdb };
}

/** The genre fusion that fits nothing: the two heads' log-probabilities summed (w = [I; I], b = 0). */
export function summedGenres(): Fusion['genres'] {
  const w = new Float32Array(2 * K * K);
  for (let c = 0; c < K; c++) w[c * K + c] = w[(K + c) * K + c] = 1;
  return { w, b: new Float32Array(K) };
}

/** x · w + b of each row, for a softmax regression's row-major [inputs, 7] weight. */
export function linearLogits(rows: Float32Array[], layer: { w: Float32Array; b: Float32Array }): Float32Array[] {
  return rows.map((row) => {
    const out = Float32Array.from(layer.b);
    for (let f = 0; f < row.length; f++) for (let c = 0; c < K; c++) out[c] += row[f] * layer.w[f * K + c];
    return out;
  });
}

/** The rows the genre fusion reads: [text log-probs ‖ image log-probs]. */
export const fusionRows = (inputs: Pick<FusionInputs, 'textLogProbs' | 'imageLogProbs'>): Float32Array[] => inputs.textLogProbs.map((_, r) => fusionRow(inputs, r));

/** Fused genre logits (before the decision rule) of rows. */
export function fusedGenreLogits(fusion: Fusion, inputs: Pick<FusionInputs, 'textLogProbs' | 'imageLogProbs'>): Float32Array[] {
  return linearLogits(fusionRows(inputs), fusion.genres);
}

/** Fused TMDB-genre logits of rows. */
export function fusedTmdbLogits(fusion: Fusion, inputs: Pick<FusionInputs, 'textTmdbLogits' | 'imageTmdbLogits'>): Float32Array[] {
  return inputs.textTmdbLogits.map((t, r) => Float32Array.from(t, (v, c) => fusion.tmdb.text[c] * v + fusion.tmdb.image[c] * inputs.imageTmdbLogits[r][c] + fusion.tmdb.bias[c]));
}
