import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { onnx } from '../export/onnxGraph';
import { PROJECT_ROOT, sharedPaths } from '../paths';

/** The served image encoder's file name (R2 key), and where it is derived to (gitignored). */
export const FEATURE_ENCODER_FILE = 'mobilenet_v2_1.0.q8.features.onnx';
export const FEATURE_ENCODER_PATH = join(PROJECT_ROOT, 'models', 'cache', 'derived', FEATURE_ENCODER_FILE);
export const FEATURES_OUTPUT = 'features';

/**
 * The graph cut down to the nodes that `output` depends on. ORT runs every node of a session's graph
 * whichever outputs are fetched, so the shared MobileNetV2's ImageNet classifier (1280 -> 1001) would
 * cost each poster about 2 ms of WASM and the isolate 5 MB of heap for an output nobody reads.
 */
export function pruneToOutput(model: Uint8Array, output: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(model);
  const graph = decoded.graph!;
  const needed = new Set([output]);
  const kept = [...graph.node!].reverse().filter((node) => {
    if (!node.output!.some((o) => needed.has(o))) return false;
    for (const input of node.input!) needed.add(input);
    return true;
  });
  if (kept.length === 0) throw new Error(`the model has no output "${output}"`);
  graph.node = kept.reverse();
  graph.output = graph.output!.filter((o) => o.name === output);
  graph.input = graph.input!.filter((i) => needed.has(i.name!));
  graph.initializer = graph.initializer!.filter((t) => needed.has(t.name!));
  graph.valueInfo = graph.valueInfo!.filter((v) => needed.has(v.name!));
  return onnx.ModelProto.encode(decoded).finish();
}

/**
 * The input's height and width made symbolic. MobileNetV2 is fully convolutional (SAME_UPPER padding, a
 * global average pool), so it reads a 2:3 poster at its own shape instead of a 224 x 224 squash.
 */
export function symbolicImageSize(model: Uint8Array, input: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(model);
  const value = decoded.graph!.input!.find((i) => i.name === input);
  const dims = value?.type?.tensorType?.shape?.dim;
  if (!dims || dims.length !== 4) throw new Error(`the model has no NCHW input "${input}"`);
  dims[2] = { dimParam: 'height' };
  dims[3] = { dimParam: 'width' };
  return onnx.ModelProto.encode(decoded).finish();
}

/**
 * Outputs of five MobileNetV2 blocks (32, 64, 96, 160 and 320 channels, strides 8 to 32). Their
 * per-channel mean and standard deviation over the image describe colour, texture and layout, which the
 * final ImageNet-tuned features flatten away: a poster head on both scored 0.427 validation balanced
 * accuracy against 0.412 on the final features alone (docs/decisions/model-poster.md).
 */
export const STYLE_BLOCKS = [
  { tensor: 't93_pre', channels: 32 },
  { tensor: 't120_pre', channels: 64 },
  { tensor: 't140_pre', channels: 96 },
  { tensor: 't160_pre', channels: 160 },
  { tensor: 't166_pre', channels: 320 },
];

/** MobileNetV2's own pooled features, first in the served `features`. */
export const FINAL_FEATURES = 1280;

/** Width of the served `features`: MobileNetV2's pooled 1280, then each block's channel means and deviations. */
export const IMAGE_DIM = FINAL_FEATURES + 2 * STYLE_BLOCKS.reduce((a, b) => a + b.channels, 0);

/** Append the blocks' pooled mean and standard deviation to `output`, under the same name. */
export function withStyleStatistics(model: Uint8Array, output: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(model);
  const graph = decoded.graph!;
  const node = (opType: string, input: string[], name: string, attribute: { name: string; type: number; i: number }[] = []) => {
    graph.node!.push({ opType, input, output: [name], name, attribute });
    return name;
  };
  const flatten = (x: string) => node('Flatten', [x], `${x}_flat`, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]);
  const pooled = `${output}_pooled`;
  for (const n of graph.node!) n.output = n.output!.map((o) => (o === output ? pooled : o));
  const parts = [pooled];
  for (const { tensor } of STYLE_BLOCKS) {
    const mean = node('GlobalAveragePool', [tensor], `${tensor}_mean`);
    const meanOfSquares = node('GlobalAveragePool', [node('Mul', [tensor, tensor], `${tensor}_sq`)], `${tensor}_sq_mean`);
    // Var = E[x²] - E[x]², clipped at 0 against rounding, then its square root.
    const variance = node('Relu', [node('Sub', [meanOfSquares, node('Mul', [mean, mean], `${tensor}_mean_sq`)], `${tensor}_var_raw`)], `${tensor}_var`);
    parts.push(flatten(mean), flatten(node('Sqrt', [variance], `${tensor}_std`)));
  }
  node('Concat', parts, output, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]);
  const out = graph.output!.find((o) => o.name === output)!;
  out.type!.tensorType!.shape!.dim![1] = { dimValue: IMAGE_DIM };
  return onnx.ModelProto.encode(decoded).finish();
}

/** The served encoder's bytes, derived from the shared MobileNetV2 (deterministic, so its sha256 is stable). */
export async function featureEncoderBytes(): Promise<Uint8Array> {
  const features = pruneToOutput(await readFile(sharedPaths().mobilenet), FEATURES_OUTPUT);
  return symbolicImageSize(withStyleStatistics(features, FEATURES_OUTPUT), 'pixel_values');
}

/**
 * Derive the served encoder to FEATURE_ENCODER_PATH each time (the shared file is the source of truth), but
 * replace the file only when it differs, and by rename, so a process reading it never sees it half-written.
 */
export async function writeFeatureEncoder(): Promise<string> {
  const bytes = await featureEncoderBytes();
  const path = FEATURE_ENCODER_PATH;
  if (existsSync(path) && Buffer.from(bytes).equals(await readFile(path))) return path;
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
  return path;
}
