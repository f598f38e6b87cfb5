import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS: under Node's ESM loader its namespace comes through the default export.
export const { onnx } = onnxProto;

/**
 * A small builder for ONNX graphs (opset 13). The trainer is hand-written TypeScript with no ONNX exporter
 * of its own, and the graphs are a handful of standard ops, so writing the protobuf directly is the smallest path.
 */
export const OPSET = 13;

export interface OnnxModel {
  bytes: Uint8Array;
  inputs: string[];
  outputs: string[];
}

type Dim = number | string;
type DataType = OnnxTypes.TensorProto.DataType;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const INT8 = onnx.TensorProto.DataType.INT8;

const ints = (name: string, values: number[]): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
export const int = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

export class Graph {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private counter = 0;

  constant(name: string, dims: number[], data: Float32Array | Int8Array | BigInt64Array): string {
    const dataType = data instanceof Float32Array ? FLOAT : data instanceof Int8Array ? INT8 : INT64;
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType, rawData: raw });
    return name;
  }

  /** A 1-d int64 constant (axes, shapes). */
  ints(name: string, values: number[]): string {
    return this.constant(name, [values.length], BigInt64Array.from(values, BigInt));
  }

  /** A float scalar. */
  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  op(opType: string, inputs: string[], attributes: OnnxTypes.IAttributeProto[] = [], output = `${opType.toLowerCase()}_${this.counter++}`): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute: attributes });
    return output;
  }

  /** x · w + b for a row-major [inDim, outDim] weight. */
  linear(prefix: string, x: string, w: Float32Array, b: Float32Array): string {
    const outDim = b.length;
    const weight = this.constant(`${prefix}.weight`, [w.length / outDim, outDim], w);
    return this.op('Add', [this.op('MatMul', [x, weight]), this.constant(`${prefix}.bias`, [outDim], b)]);
  }

  softmax(x: string, output?: string): string {
    return this.op('Softmax', [x], [int('axis', -1)], output);
  }

  logSoftmax(x: string, output?: string): string {
    return this.op('LogSoftmax', [x], [int('axis', -1)], output);
  }

  reduceSum(x: string, axes: number[], keepdims: boolean, output?: string): string {
    return this.op('ReduceSum', [x, this.ints(`axes_${this.counter++}`, axes)], [int('keepdims', keepdims ? 1 : 0)], output);
  }

  reduceMax(x: string, axes: number[], keepdims: boolean, output?: string): string {
    return this.op('ReduceMax', [x], [ints('axes', axes), int('keepdims', keepdims ? 1 : 0)], output);
  }

  reduceMean(x: string, axes: number[], keepdims: boolean, output?: string): string {
    return this.op('ReduceMean', [x], [ints('axes', axes), int('keepdims', keepdims ? 1 : 0)], output);
  }

  build(name: string, inputs: [string, DataType, Dim[]][], outputs: [string, Dim[]][]): OnnxModel {
    const info = (n: string, type: DataType, dims: Dim[]): OnnxTypes.IValueInfoProto => ({
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
        output: outputs.map(([n, d]) => info(n, FLOAT, d)),
      },
    });
    return { bytes: onnx.ModelProto.encode(model).finish(), inputs: inputs.map(([n]) => n), outputs: outputs.map(([n]) => n) };
  }
}
