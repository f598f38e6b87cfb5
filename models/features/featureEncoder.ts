import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onnx } from '../export/onnxGraph';
import { PROJECT_ROOT, sharedPaths } from '../paths';

/** The served image encoder's file name (R2 key), and where it is derived to (gitignored). */
export const FEATURE_ENCODER_FILE = 'mobilenet_v2_1.0.q8.features.onnx';
export const DERIVED_DIR = join(PROJECT_ROOT, 'models', 'cache', 'derived');
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

/** The served encoder's bytes, derived from the shared MobileNetV2 (deterministic, so its sha256 is stable). */
export async function featureEncoderBytes(): Promise<Uint8Array> {
  return symbolicImageSize(pruneToOutput(await readFile(sharedPaths().mobilenet), FEATURES_OUTPUT), 'pixel_values');
}

/**
 * Derive the served encoder into DERIVED_DIR each time (the shared file is the source of truth), but
 * replace the file only when it differs, and by rename, so a process reading it never sees it half-written.
 */
export async function writeFeatureEncoder(): Promise<string> {
  const bytes = await featureEncoderBytes();
  const path = join(DERIVED_DIR, FEATURE_ENCODER_FILE);
  if (existsSync(path) && Buffer.from(bytes).equals(await readFile(path))) return path;
  await mkdir(DERIVED_DIR, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
  return path;
}
