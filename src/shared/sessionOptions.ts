/**
 * ONNX Runtime session options shared by the Worker (onnxruntime-web) and Node (onnxruntime-node), so
 * the served graph, the offline evaluation and the benchmark's native reference are optimised alike.
 *
 * The MobileNetV2 file keeps its weights as int8 + DequantizeLinear. By default ORT keeps those nodes
 * for QDQ fusion, which needs quantized activations this model does not have, so every run dequantizes
 * 3.5M weights and Conv cannot prepack them. `disable_quant_qdq` lets constant folding turn them into
 * float weights once, at load (+6.7 MiB of WASM heap). Measured with `npm run bench`, three interleaved
 * runs each: Worker encode p50 74-89 -> 61-62 ms; native poster p50 about 27 -> 14 ms.
 */
export const SESSION_OPTIONS = {
  graphOptimizationLevel: 'all',
  extra: { session: { disable_quant_qdq: '1' } },
} as const;
