import { SingleBar, Presets } from 'cli-progress';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { seededRandom, shuffle } from '../data/random';

/** One example's input: feature ids (distinct) and their values. A dense vector is every id with its value. */
export interface SparseRow {
  ids: Int32Array;
  values: Float32Array;
}

export interface BagModelConfig {
  /** Width of the learned vector every example is summed into. */
  dim: number;
  /** Share of that vector's units dropped in each training step (inverted dropout). */
  dropout: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Epochs without a better validation balanced accuracy before stopping. */
  patience: number;
  /** Weight of the TMDB-genre loss next to the genre loss. */
  tmdbWeight: number;
  seed: number;
}

/**
 * vector = Σ value_k · table[id_k] (a bag of embeddings), then two linear heads on it: `genres` (7-way
 * softmax, the label) and `tmdb` (19 independent sigmoids, the movie's TMDB genres). Logits are linear in
 * the input, so each feature's share of a prediction is exact: that is what the served evidence reports.
 */
export interface BagModel {
  inputs: number;
  dim: number;
  /** inputs × dim, row-major. */
  table: Float32Array;
  genres: LinearHead;
  tmdb: LinearHead;
}

export interface LinearHead {
  /** dim × outputs, row-major. */
  w: Float32Array;
  b: Float32Array;
}

export interface TrainingSet {
  rows: SparseRow[];
  /** Index into GENRES. */
  labels: Int32Array;
  /** Index into TMDB_GENRES of each movie's genres. */
  tmdbGenres: number[][];
}

export interface TrainResult {
  bestEpoch: number;
  /** Validation balanced accuracy after each epoch. */
  history: number[];
}

const K = GENRES.length;
const T = TMDB_GENRES.length;

/** Adam's moments of one parameter array; `rows` marks the lazily updated table (only rows a batch touched). */
class Adam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  constructor(
    readonly param: Float32Array,
    readonly rate: number,
  ) {
    this.m = new Float32Array(param.length);
    this.v = new Float32Array(param.length);
  }

  /** Update param[offset..offset+grad.length) from its gradient, Adam with bias correction at step t. */
  update(grad: Float32Array, offset: number, length: number, gradOffset: number, t: number): void {
    const c1 = 1 - 0.9 ** t;
    const c2 = 1 - 0.999 ** t;
    const { m, v, param } = this;
    for (let i = 0; i < length; i++) {
      const g = grad[gradOffset + i];
      const j = offset + i;
      m[j] = 0.9 * m[j] + 0.1 * g;
      v[j] = 0.999 * v[j] + 0.001 * g * g;
      param[j] -= (this.rate * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + 1e-8);
    }
  }
}

function initModel(inputs: number, dim: number, random: () => number): BagModel {
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  return {
    inputs,
    dim,
    table: uniform(inputs * dim, 0.01),
    // PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    genres: { w: uniform(dim * K, 1 / Math.sqrt(dim)), b: uniform(K, 1 / Math.sqrt(dim)) },
    tmdb: { w: uniform(dim * T, 1 / Math.sqrt(dim)), b: uniform(T, 1 / Math.sqrt(dim)) },
  };
}

/** The summed vector of one row into `out`. */
function bagVector(model: BagModel, row: SparseRow, out: Float32Array): void {
  const { dim, table } = model;
  out.fill(0);
  for (let k = 0; k < row.ids.length; k++) {
    const v = row.values[k];
    const o = row.ids[k] * dim;
    for (let d = 0; d < dim; d++) out[d] += v * table[o + d];
  }
}

function headLogits(head: LinearHead, x: Float32Array, outputs: number, out: Float64Array): void {
  for (let c = 0; c < outputs; c++) out[c] = head.b[c];
  for (let d = 0; d < x.length; d++) {
    const xd = x[d];
    if (xd === 0) continue;
    const o = d * outputs;
    for (let c = 0; c < outputs; c++) out[c] += xd * head.w[o + c];
  }
}

export interface BagOutputs {
  /** Log-softmax over GENRES. */
  genreLogProbs: Float32Array;
  /** Logits of the TMDB genres (sigmoid gives each one's probability). */
  tmdbLogits: Float32Array;
}

/** The model's outputs for rows (the reference the exported ONNX graphs are tested against). */
export function bagOutputs(model: BagModel, rows: SparseRow[]): BagOutputs[] {
  const z = new Float32Array(model.dim);
  const g = new Float64Array(K);
  const t = new Float64Array(T);
  return rows.map((row) => {
    bagVector(model, row, z);
    headLogits(model.genres, z, K, g);
    headLogits(model.tmdb, z, T, t);
    return { genreLogProbs: logSoftmax(g), tmdbLogits: Float32Array.from(t) };
  });
}

export function logSoftmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const log = Math.log(sum) + max;
  return Float32Array.from(logits, (v) => v - log);
}

/** Inverse class frequency, normalised so the rows' mean weight is 1: every genre weighs the same in the loss. */
export function classWeights(labels: Int32Array): Float64Array {
  const counts = new Float64Array(K);
  for (const y of labels) counts[y]++;
  return counts.map((n) => (n ? labels.length / (K * n) : 0));
}

/**
 * Train a bag model with mini-batch Adam: class-weighted cross-entropy on the genre plus `tmdbWeight` ×
 * the mean binary cross-entropy of the TMDB genres. Early stopping on the validation split's balanced
 * accuracy restores the best epoch.
 *
 * Hand-written: tfjs's optimisers update every row of the table at every step, while a batch of plots
 * touches a few thousand of its 262,144 rows; updating only those (lazy Adam) is what makes 200k plots
 * × several epochs take minutes instead of hours.
 */
export function trainBagModel(
  train: TrainingSet,
  validation: { rows: SparseRow[]; labels: Int32Array },
  inputs: number,
  config: BagModelConfig,
  options: {
    name: string;
    progress?: boolean;
    score: (logProbs: Float32Array[], labels: Int32Array) => number;
    /** Told after each epoch (the log of a run without a progress bar). */
    onEpoch?: (epoch: number, score: number) => void;
  },
): { model: BagModel; result: TrainResult } {
  const random = seededRandom(config.seed);
  const model = initModel(inputs, config.dim, random);
  const { dim } = config;
  const weights = classWeights(train.labels);
  const opt = {
    table: new Adam(model.table, config.learningRate),
    genresW: new Adam(model.genres.w, config.learningRate),
    genresB: new Adam(model.genres.b, config.learningRate),
    tmdbW: new Adam(model.tmdb.w, config.learningRate),
    tmdbB: new Adam(model.tmdb.b, config.learningRate),
  };
  // Per-step scratch: gradients of the heads, and of the table rows the batch touched.
  const grad = { genresW: new Float32Array(dim * K), genresB: new Float32Array(K), tmdbW: new Float32Array(dim * T), tmdbB: new Float32Array(T) };
  const slotOf = new Int32Array(inputs).fill(-1);
  let touched: number[] = [];
  let tableGrad = new Float32Array(4096 * dim);
  const z = new Float32Array(dim);
  const mask = new Float32Array(dim);
  const dz = new Float32Array(dim);
  const g = new Float64Array(K);
  const t = new Float64Array(T);
  const target = new Float32Array(T);

  const n = train.rows.length;
  const steps = Math.ceil(n / config.batchSize);
  const bar = options.progress
    ? new SingleBar({ format: `${options.name.padEnd(12)} [{bar}] epoch {epoch} val bal.acc {score} (best {best})` }, Presets.shades_classic)
    : undefined;
  bar?.start(config.epochs * steps, 0, { epoch: 1, score: '-', best: '-' });

  let best = { score: -1, epoch: 0, snapshot: snapshot(model) };
  const history: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const order = shuffle([...Array(n).keys()], random);
    for (let s = 0; s < steps; s++) {
      const batch = order.slice(s * config.batchSize, (s + 1) * config.batchSize);
      let weightSum = 0;
      for (const r of batch) weightSum += weights[train.labels[r]];
      for (const a of Object.values(grad)) a.fill(0);
      for (const r of batch) {
        const row = train.rows[r];
        const y = train.labels[r];
        bagVector(model, row, z);
        for (let d = 0; d < dim; d++) {
          mask[d] = random() < config.dropout ? 0 : 1 / (1 - config.dropout);
          z[d] *= mask[d];
        }
        headLogits(model.genres, z, K, g);
        headLogits(model.tmdb, z, T, t);
        // d loss / d logits: class-weighted softmax cross-entropy (mean over the batch's weight) ...
        const p = logSoftmax(g);
        const wy = weights[y] / weightSum;
        for (let c = 0; c < K; c++) g[c] = wy * (Math.exp(p[c]) - (c === y ? 1 : 0));
        // ... and the mean binary cross-entropy over rows × TMDB genres; a row without any (a correction that
        // named none) does not say which TMDB genres the movie lacks, so it adds nothing to that head.
        target.fill(0);
        for (const genre of train.tmdbGenres[r]) target[genre] = 1;
        const bce = train.tmdbGenres[r].length > 0 ? config.tmdbWeight / (batch.length * T) : 0;
        for (let c = 0; c < T; c++) t[c] = bce * (1 / (1 + Math.exp(-t[c])) - target[c]);
        dz.fill(0);
        accumulateHead(grad.genresW, grad.genresB, model.genres.w, z, g, K, dz);
        accumulateHead(grad.tmdbW, grad.tmdbB, model.tmdb.w, z, t, T, dz);
        for (let d = 0; d < dim; d++) dz[d] *= mask[d];
        for (let k = 0; k < row.ids.length; k++) {
          const id = row.ids[k];
          if (slotOf[id] < 0) {
            slotOf[id] = touched.length;
            touched.push(id);
            if (touched.length * dim > tableGrad.length) {
              const grown = new Float32Array(tableGrad.length * 2);
              grown.set(tableGrad);
              tableGrad = grown;
            }
          }
          const o = slotOf[id] * dim;
          const v = row.values[k];
          for (let d = 0; d < dim; d++) tableGrad[o + d] += v * dz[d];
        }
      }
      step++;
      opt.genresW.update(grad.genresW, 0, grad.genresW.length, 0, step);
      opt.genresB.update(grad.genresB, 0, K, 0, step);
      opt.tmdbW.update(grad.tmdbW, 0, grad.tmdbW.length, 0, step);
      opt.tmdbB.update(grad.tmdbB, 0, T, 0, step);
      touched.forEach((id, slot) => {
        opt.table.update(tableGrad, id * dim, dim, slot * dim, step);
        slotOf[id] = -1;
      });
      tableGrad.fill(0, 0, touched.length * dim);
      touched = [];
      bar?.increment(1, { epoch });
    }
    const score = options.score(
      bagOutputs(model, validation.rows).map((o) => o.genreLogProbs),
      validation.labels,
    );
    history.push(score);
    options.onEpoch?.(epoch, score);
    if (score > best.score) best = { score, epoch, snapshot: snapshot(model) };
    bar?.update({ epoch, score: score.toFixed(4), best: best.score.toFixed(4) });
    if (epoch - best.epoch >= config.patience) break;
  }
  bar?.update(config.epochs * steps);
  bar?.stop();
  return { model: best.snapshot, result: { bestEpoch: best.epoch, history } };
}

/** Add one row's head gradient (outer product with its input) and its backward pass into `dz`. */
function accumulateHead(gw: Float32Array, gb: Float32Array, w: Float32Array, z: Float32Array, dlogits: Float64Array, outputs: number, dz: Float32Array): void {
  for (let c = 0; c < outputs; c++) gb[c] += dlogits[c];
  for (let d = 0; d < z.length; d++) {
    const o = d * outputs;
    let back = 0;
    for (let c = 0; c < outputs; c++) {
      gw[o + c] += z[d] * dlogits[c];
      back += w[o + c] * dlogits[c];
    }
    dz[d] += back;
  }
}

const snapshot = (m: BagModel): BagModel => ({
  ...m,
  table: m.table.slice(),
  genres: { w: m.genres.w.slice(), b: m.genres.b.slice() },
  tmdb: { w: m.tmdb.w.slice(), b: m.tmdb.b.slice() },
});
