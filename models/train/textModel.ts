import { plotFeatures, type PlotFeatureParams, type PlotFeatures } from '../../src/shared/plotFeatures';
import type { SparseRow } from './bagModel';

/**
 * Inverse document frequency per bucket over the training plots, as scikit-learn's smooth idf:
 * ln((1 + n) / (1 + df)) + 1. Buckets seen in fewer than `minDf` plots get 0 and are ignored (noise that
 * only memorises single plots).
 */
export function fitIdf(plots: PlotFeatures[], buckets: number, minDf: number): Float32Array {
  const df = new Float64Array(buckets);
  for (const p of plots) for (const id of p.ids) df[id]++;
  return Float32Array.from(df, (d) => (d >= minDf ? Math.log((1 + plots.length) / (1 + d)) + 1 : 0));
}

/**
 * A plot's TF-IDF row: (1 + ln count) × idf, scaled to unit length. The exported text model computes
 * exactly this from `feature_ids` and `feature_counts`, so serving sends raw counts.
 */
export function tfidfRow(features: PlotFeatures, idf: Float32Array): SparseRow {
  const ids: number[] = [];
  const values: number[] = [];
  features.ids.forEach((id, k) => {
    if (idf[id] === 0) return;
    ids.push(id);
    values.push((1 + Math.log(features.counts[k])) * idf[id]);
  });
  const norm = Math.hypot(...values) || 1;
  return { ids: Int32Array.from(ids), values: Float32Array.from(values, (v) => v / norm) };
}

/** Features of many plots, in order. */
export const plotsFeatures = (plots: string[], params: PlotFeatureParams): PlotFeatures[] => plots.map((p) => plotFeatures(p, params));
