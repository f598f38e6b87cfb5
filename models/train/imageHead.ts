import type { SparseRow } from './bagModel';

/** Per-feature mean and standard deviation over the training posters (the head reads standardised features). */
export function standardiser(features: Float32Array[]): { mean: Float32Array; std: Float32Array } {
  const dim = features[0].length;
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const f of features) {
    for (let d = 0; d < dim; d++) {
      sum[d] += f[d];
      sq[d] += f[d] * f[d];
    }
  }
  const n = features.length;
  const mean = Float32Array.from(sum, (s) => s / n);
  // A feature constant over the posters gets 1, not 0: it then stays 0 after centring instead of NaN.
  const std = Float32Array.from(sq, (s, d) => Math.sqrt(Math.max(0, s / n - mean[d] ** 2)) || 1);
  return { mean, std };
}

/** A poster's features as the bag model's input: every feature id with its standardised value. */
export function imageRow(features: Float32Array, s: { mean: Float32Array; std: Float32Array }): SparseRow {
  return {
    ids: Int32Array.from({ length: features.length }, (_, d) => d),
    values: Float32Array.from(features, (v, d) => (v - s.mean[d]) / s.std[d]),
  };
}
