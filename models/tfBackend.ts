import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * tfjs-backend-wasm lacks UnsortedSegmentSum, the gradient of Gather (embedding lookups). A plain
 * scatter-add over the wasm heap fills the gap; the cpu backend does have it but trains ~100x slower.
 */
function registerSegmentSum(): void {
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as BackendWasm;
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const values = wasm.typedArrayFromHeap(x) as Float32Array;
      const ids = wasm.typedArrayFromHeap(segmentIds) as Int32Array;
      const inner = values.length / ids.length;
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
      const sums = wasm.typedArrayFromHeap(out) as Float32Array;
      sums.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const o = ids[i] * inner;
        for (let k = 0; k < inner; k++) sums[o + k] += values[i * inner + k];
      }
      return out;
    },
  });
}

let ready: Promise<void> | undefined;

/** Use the wasm backend (SIMD, single thread) for training. */
export function initTraining(): Promise<void> {
  ready ??= (async () => {
    registerSegmentSum();
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return ready;
}

export { tf };
