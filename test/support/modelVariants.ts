import { onnx } from '../../models/export/onnxGraph';

/**
 * The same ONNX graph with every float weight scaled: a model that answers differently, so that a test can
 * tell which of two versions produced an answer. (The trained files are the only real models here.)
 */
export function scaledWeights(bytes: Uint8Array, factor: number): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || !tensor.rawData?.length) continue;
    const values = new Float32Array(tensor.rawData.slice().buffer);
    for (let i = 0; i < values.length; i++) values[i] *= factor;
    tensor.rawData = new Uint8Array(values.buffer);
  }
  return onnx.ModelProto.encode(model).finish();
}
