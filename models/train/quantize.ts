/** A row-major table as int8 with one scale per row: value ≈ int8 · scale. */
export interface QuantizedRows {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * Symmetric int8 per row (scale = the row's largest magnitude / 127). The text model's table is most of
 * the served bytes and of the isolate's heap; int8 cuts both by four, and a row keeps its own range.
 */
export function quantizeRows(table: Float32Array, dim: number): QuantizedRows {
  const rows = table.length / dim;
  const values = new Int8Array(table.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(table[r * dim + d]));
    const scale = max / 127;
    scales[r] = scale;
    if (scale > 0) for (let d = 0; d < dim; d++) values[r * dim + d] = Math.round(table[r * dim + d] / scale);
  }
  return { values, scales };
}

/** The float table the int8 one stands for: the trainer scores and fits on this, as the Worker computes. */
export function dequantizeRows(q: QuantizedRows, dim: number): Float32Array {
  return Float32Array.from(q.values, (v, i) => v * q.scales[Math.floor(i / dim)]);
}
