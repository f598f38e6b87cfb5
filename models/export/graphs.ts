import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { IMAGE_DIM } from '../features/featureEncoder';
import type { BagModel } from '../train/bagModel';
import type { Fusion } from '../train/fusion';
import { GRID, TOP_MARGIN, type TopLabelMap } from '../train/topLabel';
import { quantizeRows } from '../train/quantize';
import { FLOAT, Graph, INT64, int, type OnnxModel } from './onnxGraph';

/** The trained text model: TF-IDF weights per bucket and the bag model over them. */
export interface TextModelWeights {
  idf: Float32Array;
  bag: BagModel;
}

/** The trained image head: feature standardisation and the bag model over the standardised features. */
export interface ImageHeadWeights {
  mean: Float32Array;
  std: Float32Array;
  bag: BagModel;
}

const K = GENRES.length;
const T = TMDB_GENRES.length;

/**
 * What turns a head's genre logits into its served probabilities: the decision rule's bias is added
 * (decisionRule.ts), and the softmax's top genre is calibrated by the answer's top-label map (topLabel.ts).
 */
export interface AnswerLayer {
  ruleBias: Float32Array;
  topLabel: TopLabelMap;
}

/**
 * `uncalibrated_probs`: softmax(logits + rule bias); `probs`: the same with the top genre's probability
 * mapped by the answer's table (linear interpolation over GRID, a sum of clipped ramps) and the other genres
 * sharing the rest in proportion, exactly as calibrateTopLabel() computes it; `tmdb_probs`: sigmoid of the
 * TMDB logits. ArgMax takes the first of equal probabilities, as metrics.ts's argmax does.
 */
function outputs(g: Graph, genreLogits: string, tmdbLogits: string, answer: AnswerLayer): void {
  const p = g.softmax(g.op('Add', [genreLogits, g.constant('rule_bias', [K], answer.ruleBias)]), 'uncalibrated_probs');
  const top = g.op('ArgMax', [p], [int('axis', -1), int('keepdims', 1)]);
  const first = g.reduceMax(p, [-1], true);
  const mask = g.op('Cast', [g.op('Equal', [g.constant('genre_ids', [K], BigInt64Array.from(GENRES, (_, c) => BigInt(c))), top])], [int('to', FLOAT)]);
  const second = g.reduceMax(g.op('Mul', [p, g.op('Sub', [g.scalar('one_minus', 1), mask])]), [-1], true);

  const steps = GRID.length - 1;
  const { values } = answer.topLabel;
  const slopes = Float32Array.from(values.flatMap((row) => row.slice(1).map((v, k) => (v - row[k]) / (GRID[k + 1] - GRID[k]))));
  const ramps = g.op('Min', [
    g.op('Max', [g.op('Sub', [first, g.constant('grid_start', [steps], Float32Array.from(GRID.slice(0, steps)))]), g.scalar('zero_ramp', 0)]),
    g.constant('grid_width', [steps], Float32Array.from(GRID.slice(1), (x, k) => x - GRID[k])),
  ]);
  const rowSlopes = g.op('Gather', [g.constant('top_label_slopes', [K, steps], slopes), top]);
  const rowBase = g.op('Gather', [g.constant('top_label_base', [K], Float32Array.from(values, (row) => row[0])), top]);
  const mapped = g.op('Add', [rowBase, g.reduceSum(g.op('Mul', [rowSlopes, ramps]), [-1], false)]);

  // The second gets second · (1 - q) / (1 - first): q stays above that, so the ranking stays.
  const floor = g.op('Add', [g.op('Div', [second, g.op('Add', [g.op('Sub', [g.scalar('one_floor', 1), first]), second])]), g.scalar('top_margin', TOP_MARGIN)]);
  const q = g.op('Min', [g.op('Max', [mapped, floor]), g.scalar('q_max', 1 - 1e-6)]);
  const rest = g.op('Div', [g.op('Sub', [g.scalar('one_rest', 1), q]), g.op('Max', [g.op('Sub', [g.scalar('one_first', 1), first]), g.scalar('edge', 1e-6)])]);
  const others = g.op('Mul', [g.op('Mul', [p, rest]), g.op('Sub', [g.scalar('one_others', 1), mask])]);
  g.op('Add', [others, g.op('Mul', [q, mask])], [], 'probs');
  g.op('Sigmoid', [tmdbLogits], [], 'tmdb_probs');
}

/**
 * The text vector of `feature_ids` [n] (distinct hash buckets) with `feature_counts` [n]: TF-IDF weights
 * (1 + ln count) · idf, scaled to unit length, times each bucket's row of the int8 table (dequantised with
 * its row scale), summed. Returns the [n, dim] weighted rows and the [1, dim] vector.
 */
function textVector(g: Graph, model: TextModelWeights): { rows: string; vector: string; known: string } {
  const { bag } = model;
  const q = quantizeRows(bag.table, bag.dim);
  const idf = g.op('Gather', [g.constant('idf', [bag.inputs], model.idf), 'feature_ids'], []);
  const tf = g.op('Add', [g.scalar('one', 1), g.op('Log', ['feature_counts'])]);
  const w = g.op('Mul', [tf, idf]);
  const norm = g.op('Max', [g.op('Sqrt', [g.reduceSum(g.op('Mul', [w, w]), [0], true)]), g.scalar('eps', 1e-12)]);
  const weights = g.op('Unsqueeze', [g.op('Div', [w, norm]), g.ints('axis1', [1])]);
  const table = g.op('Cast', [g.op('Gather', [g.constant('table_int8', [bag.inputs, bag.dim], q.values), 'feature_ids'])], [int('to', FLOAT)]);
  const scales = g.op('Unsqueeze', [g.op('Gather', [g.constant('table_scale', [bag.inputs], q.scales), 'feature_ids']), g.ints('axis1b', [1])]);
  const rows = g.op('Mul', [g.op('Mul', [table, scales]), weights]);
  // How many of the plot's buckets the model knows (idf > 0): none means it has nothing to go on.
  const known = g.reduceSum(g.op('Cast', [g.op('Greater', [idf, g.scalar('zero', 0)])], [int('to', FLOAT)]), [0], true, 'known_features');
  return { rows, vector: g.reduceSum(rows, [0], true, 'text_vector'), known };
}

/**
 * text_model.onnx: (feature_ids int64 [n], feature_counts float [n]) -> text_vector [1, dim], probs [1, 7],
 * uncalibrated_probs [1, 7], tmdb_probs [1, 19], known_features [1], and evidence [n, 7]: each bucket's share of each genre's logit,
 * centred over the genres (a share that lifts every genre alike favours none). The logits are linear in the
 * weighted rows, so the shares add up to the logits exactly, bias aside.
 */
export function textModelOnnx(model: TextModelWeights, answer: AnswerLayer): OnnxModel {
  const g = new Graph();
  const { rows, vector } = textVector(g, model);
  const { genres, tmdb, dim } = model.bag;
  outputs(g, g.linear('genres', vector, genres.w, genres.b), g.linear('tmdb', vector, tmdb.w, tmdb.b), answer);
  const shares = g.op('MatMul', [rows, g.constant('genres.weight.evidence', [dim, K], genres.w)]);
  g.op('Sub', [shares, g.reduceMean(shares, [1], true)], [], 'evidence');
  return g.build(
    'text_model',
    [
      ['feature_ids', INT64, ['n']],
      ['feature_counts', FLOAT, ['n']],
    ],
    [
      ['text_vector', [1, dim]],
      ['probs', [1, K]],
      ['uncalibrated_probs', [1, K]],
      ['tmdb_probs', [1, T]],
      ['known_features', [1]],
      ['evidence', ['n', K]],
    ],
  );
}

/** The image head's vector: standardised features (the first `bag.inputs` of the encoder's) times its table. */
function imageVector(g: Graph, head: ImageHeadWeights, input: string): string {
  const used = head.bag.inputs < IMAGE_DIM ? g.op('Slice', [input, g.ints('slice_start', [0]), g.ints('slice_end', [head.bag.inputs]), g.ints('slice_axis', [1])]) : input;
  const x = g.op('Div', [g.op('Sub', [used, g.constant('image.mean', [head.mean.length], head.mean)]), g.constant('image.std', [head.std.length], head.std)]);
  return g.op('MatMul', [x, g.constant('image.table', [head.bag.inputs, head.bag.dim], head.bag.table)]);
}

/** image_head.onnx: image_features [1, 1280] -> probs [1, 7], uncalibrated_probs [1, 7], tmdb_probs [1, 19]. */
export function imageHeadOnnx(head: ImageHeadWeights, answer: AnswerLayer): OnnxModel {
  const g = new Graph();
  const v = imageVector(g, head, 'image_features');
  outputs(g, g.linear('genres', v, head.bag.genres.w, head.bag.genres.b), g.linear('tmdb', v, head.bag.tmdb.w, head.bag.tmdb.b), answer);
  return g.build('image_head', [['image_features', FLOAT, [1, IMAGE_DIM]]], [
    ['probs', [1, K]],
    ['uncalibrated_probs', [1, K]],
    ['tmdb_probs', [1, T]],
  ]);
}

/**
 * fusion_head.onnx: (text_vector, image_features) -> probs, uncalibrated_probs, tmdb_probs. Genres: a logistic regression over
 * both heads' log-probabilities, recomputed here from the heads' own logits (the text and image answers'
 * calibration does not reach them). TMDB genres: per genre, a weighted sum of the two heads' logits.
 */
export function fusionHeadOnnx(text: TextModelWeights, image: ImageHeadWeights, fusion: Fusion, answer: AnswerLayer): OnnxModel {
  const g = new Graph();
  const tv = 'text_vector';
  const iv = imageVector(g, image, 'image_features');
  const t = g.logSoftmax(g.linear('text.genres', tv, text.bag.genres.w, text.bag.genres.b));
  const i = g.logSoftmax(g.linear('image.genres', iv, image.bag.genres.w, image.bag.genres.b));
  const genres = g.linear('fusion.genres', g.op('Concat', [t, i], [int('axis', 1)]), fusion.genres.w, fusion.genres.b);
  const tt = g.op('Mul', [g.linear('text.tmdb', tv, text.bag.tmdb.w, text.bag.tmdb.b), g.constant('fusion.tmdb.text', [T], fusion.tmdb.text)]);
  const it = g.op('Mul', [g.linear('image.tmdb', iv, image.bag.tmdb.w, image.bag.tmdb.b), g.constant('fusion.tmdb.image', [T], fusion.tmdb.image)]);
  const tmdb = g.op('Add', [g.op('Add', [tt, it]), g.constant('fusion.tmdb.bias', [T], fusion.tmdb.bias)]);
  outputs(g, genres, tmdb, answer);
  return g.build(
    'fusion_head',
    [
      [tv, FLOAT, [1, text.bag.dim]],
      ['image_features', FLOAT, [1, IMAGE_DIM]],
    ],
    [
      ['probs', [1, K]],
      ['uncalibrated_probs', [1, K]],
      ['tmdb_probs', [1, T]],
    ],
  );
}
