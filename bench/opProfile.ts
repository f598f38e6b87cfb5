/**
 * `npm run bench:profile`: where the served MobileNetV2 encoder spends its time in onnxruntime-web's
 * WASM build, per kind of operator, next to the whole run in onnxruntime-node, at the served input size.
 * Both use the served session options and one thread.
 * Run in Node (same WASM as in workerd); prints figures, asserts nothing.
 *
 * BENCH_XNNPACK_ORT=DIR also times the encoder on the XNNPACK execution provider of an older
 * onnxruntime-web installed in DIR (`npm i --prefix DIR onnxruntime-web@1.16.3`; 1.17 dropped it from
 * the WASM build), alternating with the served build, to show what that rejected path would gain.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as native from 'onnxruntime-node';
import { onnx } from '../models/export/onnxGraph';
import { readManifest } from '../models/export/artifacts';
import { featureEncoderBytes } from '../models/features/featureEncoder';
import { ARTIFACTS_DIR } from '../models/paths';
import { imageTensorShape } from '../src/shared/imageTensor';
import { SESSION_OPTIONS } from '../src/shared/sessionOptions';
import { summarize, timed } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SHAPE = imageTensorShape((await readManifest(ARTIFACTS_DIR)).image);

interface KernelEvent {
  cat: string;
  name: string;
  dur: number;
  args: { op_name: string; input_type_shape: Record<string, number[]>[] };
}

/** Depthwise (one input channel per group), pointwise (1x1) or anything else. */
function kind(event: KernelEvent): string {
  const weight = Object.values(event.args.input_type_shape[1] ?? {})[0] ?? [];
  if (!event.args.op_name.includes('Conv') || weight.length !== 4) return event.args.op_name;
  if (weight[1] === 1) return 'depthwise conv';
  return weight[2] === 1 ? '1x1 conv' : `${weight[2]}x${weight[3]} conv`;
}

const web = await import('onnxruntime-web/wasm');
web.env.wasm.numThreads = 1;
web.env.wasm.proxy = false;

/** The served encoder with its input fixed at SHAPE: XNNPACK takes no convolution of a graph with symbolic sizes. */
function fixedShape(bytes: Uint8Array): Uint8Array {
  const decoded = onnx.ModelProto.decode(bytes);
  decoded.graph!.input![0].type!.tensorType!.shape!.dim = SHAPE.map((d) => ({ dimValue: d }));
  return onnx.ModelProto.encode(decoded).finish();
}
const model = fixedShape(await featureEncoderBytes());
const pixels = new Float32Array(SHAPE.reduce((a, b) => a * b)).map((_, i) => Math.sin(i) * 0.9);

const webSession = await web.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['wasm'], enableProfiling: true });
const webFeeds = { pixel_values: new web.Tensor('float32', pixels, SHAPE) };
for (let i = 0; i <= RUNS; i++) await webSession.run(webFeeds);
// In Node the WASM build writes its trace with fs.writeSync(1, ...) when profiling ends: capture it.
const printed: string[] = [];
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
  if (fd !== 1) return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array);
  printed.push(bytes.toString('utf8'));
  return bytes.length;
}) as typeof fs.writeSync;
webSession.endProfiling();
fs.writeSync = writeSync;

const runs = printed
  .join('')
  .split('\n')
  .map((line) => line.trim().replace(/,$/, ''))
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line) as KernelEvent)
  .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
// The first of the RUNS + 1 runs is a warm-up: drop its kernels.
const events = runs.slice(runs.length / (RUNS + 1));
const perKind = new Map<string, number>();
for (const e of events) perKind.set(kind(e), (perKind.get(kind(e)) ?? 0) + e.dur / 1000 / RUNS);

const nativeSession = await native.InferenceSession.create(model, { ...SESSION_OPTIONS, intraOpNumThreads: 1, interOpNumThreads: 1 });
const nativeFeeds = { pixel_values: new native.Tensor('float32', pixels, SHAPE) };
await nativeSession.run(nativeFeeds);
const nativeMs: number[] = [];
for (let i = 0; i < RUNS; i++) nativeMs.push((await timed(() => nativeSession.run(nativeFeeds)))[0]);

const webTotal = [...perKind.values()].reduce((a, b) => a + b, 0);
const nativeP50 = summarize(nativeMs).p50;
console.log(`MobileNetV2, ${RUNS} runs, mean kernel time per run in onnxruntime-web (WASM, 1 thread):\n`);
console.log('| operator | ms per run | share |\n|---|---|---|');
for (const [name, ms] of [...perKind].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${name} | ${ms.toFixed(1)} | ${((100 * ms) / webTotal).toFixed(0)}% |`);
}
console.log(`| **all kernels** | **${webTotal.toFixed(1)}** | |`);
console.log(`\nonnxruntime-node (native, 1 thread), whole run p50: ${nativeP50.toFixed(1)} ms -> WASM kernels / native = ${(webTotal / nativeP50).toFixed(1)}x`);

const xnnpackDir = process.env.BENCH_XNNPACK_ORT;
if (xnnpackDir) {
  const old = createRequire(`${xnnpackDir}/`)('onnxruntime-web') as typeof web;
  old.env.wasm.numThreads = 1;
  old.env.wasm.proxy = false;
  const [oldSession, servedSession] = await Promise.all([
    old.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['xnnpack'] }),
    web.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['wasm'] }),
  ]);
  const oldFeeds = { pixel_values: new old.Tensor('float32', pixels, SHAPE) };
  await oldSession.run(oldFeeds);
  await servedSession.run(webFeeds);
  const oldMs: number[] = [];
  const servedMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    oldMs.push((await timed(() => oldSession.run(oldFeeds)))[0]);
    servedMs.push((await timed(() => servedSession.run(webFeeds)))[0]);
  }
  const [x, w] = [summarize(oldMs).p50, summarize(servedMs).p50];
  const oldFeatures = (await oldSession.run(oldFeeds)).features.data as Float32Array;
  const servedFeatures = (await servedSession.run(webFeeds)).features.data as Float32Array;
  const maxDiff = oldFeatures.reduce((m, v, i) => Math.max(m, Math.abs(v - servedFeatures[i])), 0);
  console.log(
    `\nonnxruntime-web ${old.env.versions?.web ?? '(old)'} XNNPACK, whole run p50: ${x.toFixed(1)} ms, against ${w.toFixed(1)} ms ` +
      `for the served build (alternating runs) and ${nativeP50.toFixed(1)} ms native -> ${(x / nativeP50).toFixed(1)}x native; ` +
      `features differ by at most ${maxDiff.toExponential(1)}`,
  );
}
