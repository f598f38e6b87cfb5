import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS: under Node's ESM loader its namespace comes through the default export.
export const { onnx } = onnxProto;
import type { Dense, Embedding } from './networks';

/**
 * Hand-built ONNX graphs (opset 13) for the trained parts. tfjs has no ONNX exporter and the
 * graphs are a handful of standard ops, so writing the protobuf directly is the smallest path.
 */
export const OPSET = 13;

export interface OnnxModel {
  bytes: Uint8Array;
  inputs: string[];
  outputs: string[];
}

type Dim = number | string;

class Graph {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private counter = 0;

  constant(name: string, dims: number[], data: Float32Array): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    return name;
  }

  op(opType: string, inputs: string[], attributes: OnnxTypes.IAttributeProto[] = [], output = `${opType.toLowerCase()}_${this.counter++}`): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute: attributes });
    return output;
  }

  /** Dense layers with ReLU between, as MatMul + Add; returns the logits' name. */
  mlp(prefix: string, layers: Dense[], input: string): string {
    return layers.reduce((x, layer, i) => {
      const w = this.constant(`${prefix}.${i}.weight`, [layer.inDim, layer.outDim], layer.w);
      const b = this.constant(`${prefix}.${i}.bias`, [layer.outDim], layer.b);
      const y = this.op('Add', [this.op('MatMul', [x, w]), b]);
      return i < layers.length - 1 ? this.op('Relu', [y]) : y;
    }, input);
  }

  build(name: string, inputs: [string, OnnxTypes.TensorProto.DataType, Dim[]][], outputs: [string, Dim[]][]): OnnxModel {
    const info = (n: string, type: OnnxTypes.TensorProto.DataType, dims: Dim[]): OnnxTypes.IValueInfoProto => ({
      name: n,
      type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'movie-genre-edge/models',
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(([n, t, d]) => info(n, t, d)),
        output: outputs.map(([n, d]) => info(n, onnx.TensorProto.DataType.FLOAT, d)),
      },
    });
    return { bytes: onnx.ModelProto.encode(model).finish(), inputs: inputs.map(([n]) => n), outputs: outputs.map(([n]) => n) };
  }
}

const ints = (name: string, values: number[]): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

const F = onnx.TensorProto.DataType.FLOAT;

/** input_ids int64 [1, L] -> text_vector [1, dim]: the mean of the ids' embeddings (one unpadded sequence per row). */
export function textEncoderOnnx(encoder: Embedding): OnnxModel {
  const g = new Graph();
  const table = g.constant('embedding', [encoder.rows, encoder.dim], encoder.table);
  const gathered = g.op('Gather', [table, 'input_ids'], [int('axis', 0)]);
  g.op('ReduceMean', [gathered], [ints('axes', [1]), int('keepdims', 0)], 'text_vector');
  return g.build('text_encoder', [['input_ids', onnx.TensorProto.DataType.INT64, ['batch', 'tokens']]], [['text_vector', ['batch', encoder.dim]]]);
}

/** One modality's head: features -> probs [N, 7]. */
export function headOnnx(name: string, input: string, layers: Dense[]): OnnxModel {
  const g = new Graph();
  g.op('Softmax', [g.mlp(name, layers, input)], [int('axis', -1)], 'probs');
  return g.build(name, [[input, F, ['batch', layers[0].inDim]]], [['probs', ['batch', layers.at(-1)!.outDim]]]);
}

/** (text_vector, image_features) -> probs: both heads' log-probabilities combined by the fusion layer. */
export function fusionOnnx(heads: { textHead: Dense[]; imageHead: Dense[]; fusion: Dense }): OnnxModel {
  const g = new Graph();
  const t = g.op('LogSoftmax', [g.mlp('text_head', heads.textHead, 'text_vector')], [int('axis', -1)]);
  const i = g.op('LogSoftmax', [g.mlp('image_head', heads.imageHead, 'image_features')], [int('axis', -1)]);
  const logits = g.mlp('fusion', [heads.fusion], g.op('Concat', [t, i], [int('axis', 1)]));
  g.op('Softmax', [logits], [int('axis', -1)], 'probs');
  return g.build(
    'fusion_head',
    [
      ['text_vector', F, ['batch', heads.textHead[0].inDim]],
      ['image_features', F, ['batch', heads.imageHead[0].inDim]],
    ],
    [['probs', ['batch', heads.fusion.outDim]]],
  );
}
