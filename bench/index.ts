/**
 * `npm run bench`: the Worker under `wrangler dev` against the same models in onnxruntime-node
 * (native, one thread), and the poster's encoder at its served input size against the 224 x 224 square
 * the first model read (onnxruntime-web's WASM, as in workerd, alternating runs). Prints the figures;
 * asserts nothing (timings belong here, not in tests).
 *
 * BENCH_BASELINE=DIR also starts the Worker of another checkout of this project (with its own `npm ci`),
 * e.g. the commit before model v2, and times plot-only requests to both, alternating, so that the two
 * models are compared under the same load.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as web from 'onnxruntime-web/wasm';
import { decodeImage } from '../src/shared/imageDecode';
import { imageTensorShape, imageToTensor, MOBILENET_IMAGE_PARAMS, type ImageParams } from '../src/shared/imageTensor';
import { SESSION_OPTIONS } from '../src/shared/sessionOptions';
import { readManifest } from '../models/export/artifacts';
import { loadNodeClassifier } from '../models/evaluate/nodeClassifier';
import { featureEncoderBytes } from '../models/features/featureEncoder';
import { initNodeImageDecoders } from '../models/features/nodeImage';
import { ARTIFACTS_DIR, PROJECT_ROOT } from '../models/paths';
import type { StartedWorker } from '../test/support/worker';
import { publishedWorker } from './publishedWorker';
import { testSamples, type Sample } from './samples';
import { summarize, timed } from './stats';

const exec = promisify(execFile);
const bin = (name: string) => join(PROJECT_ROOT, 'node_modules', '.bin', name);
const WARM_RUNS = Number(process.env.BENCH_RUNS ?? 30);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

type Shape = 'plot' | 'poster' | 'both';
const SHAPES: Shape[] = ['plot', 'poster', 'both'];

function form(sample: Sample, shape: Shape): FormData {
  const f = new FormData();
  if (shape !== 'poster') f.set('plot', sample.plot);
  if (shape !== 'plot') f.set('poster', new File([sample.poster], 'poster.jpg', { type: 'image/jpeg' }));
  return f;
}

interface ServerTimings {
  decodeMs: number;
  modelMs: number;
}

/** Round trip in ms, and the Worker's own breakdown of it. */
async function post(url: string, sample: Sample, shape: Shape): Promise<[number, ServerTimings]> {
  // no-store: the samples repeat, and a cached answer would time the cache, not the models.
  const [ms, res] = await timed(() => fetch(`${url}/predict`, { method: 'POST', headers: { 'cache-control': 'no-store' }, body: form(sample, shape) }));
  if (!res.ok) throw new Error(`POST /predict answered ${res.status}: ${await res.text()}`);
  const { timings } = (await res.json()) as { timings: ServerTimings };
  return [ms, timings];
}

async function bundleSize(): Promise<{ total: string; gzip: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'genre-bundle-'));
  try {
    const { stdout } = await exec(bin('wrangler'), ['deploy', '--dry-run', '--outdir', outdir], { cwd: PROJECT_ROOT });
    const m = /Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/.exec(stdout);
    if (!m) throw new Error(`no size line in wrangler output:\n${stdout}`);
    return { total: m[1], gzip: m[2] };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Plot-only round trips to this Worker and a baseline checkout's, alternating: p50 of each. */
async function benchBaseline(data: Sample[], root: string) {
  const started: StartedWorker[] = [];
  try {
    const ours = await publishedWorker();
    started.push(ours);
    const theirs = await publishedWorker(root);
    started.push(theirs);
    const times = { ours: [] as number[], theirs: [] as number[] };
    for (let i = -3; i < WARM_RUNS; i++) {
      const [a] = await post(ours.url, data[(i + 3) % data.length], 'plot');
      const [b] = await post(theirs.url, data[(i + 3) % data.length], 'plot');
      if (i >= 0) [times.ours, times.theirs].forEach((t, k) => t.push(k ? b : a));
    }
    return { ours: summarize(times.ours), theirs: summarize(times.theirs) };
  } finally {
    for (const worker of started) await worker.stop();
  }
}

async function benchWorker(data: Sample[]) {
  const worker = await publishedWorker();
  try {
    const [cold] = await post(worker.url, data[0], 'both');
    const warm = {} as Record<Shape, ReturnType<typeof summarize>>;
    const inside = {} as Record<Shape, Record<keyof ServerTimings, number>>;
    for (const shape of SHAPES) {
      const runs: [number, ServerTimings][] = [];
      for (let i = 0; i < WARM_RUNS; i++) runs.push(await post(worker.url, data[i % data.length], shape));
      warm[shape] = summarize(runs.map(([ms]) => ms));
      const p50 = (k: keyof ServerTimings) => summarize(runs.map(([, t]) => t[k])).p50;
      inside[shape] = { decodeMs: p50('decodeMs'), modelMs: p50('modelMs') };
    }
    const throughput: Record<number, number> = {};
    for (const concurrency of [1, 4, 16]) {
      const total = Math.max(WARM_RUNS, concurrency * 4);
      let next = 0;
      const [ms] = await timed(() =>
        Promise.all(Array.from({ length: concurrency }, async () => {
          while (next < total) await post(worker.url, data[next++ % data.length], 'both');
        })),
      );
      throughput[concurrency] = (total / ms) * 1000;
    }
    const health = (await (await fetch(`${worker.url}/health`)).json()) as { wasmHeapBytes: number; models: { loadMs: number } };
    return { cold, loadMs: health.models.loadMs, warm, inside, throughput, wasmHeapBytes: health.wasmHeapBytes };
  } finally {
    await worker.stop();
  }
}

async function benchNative(data: Sample[]) {
  const classifier = await loadNodeClassifier({ threads: 1 });
  try {
    const warm = {} as Record<Shape, ReturnType<typeof summarize>>;
    for (const shape of SHAPES) {
      const times: number[] = [];
      for (let i = 0; i < WARM_RUNS + 3; i++) {
        const s = data[i % data.length];
        const [ms] = await timed(async () =>
          classifier.classify({ plot: shape !== 'poster' ? s.plot : undefined, image: shape !== 'plot' ? await decodeImage(s.poster) : undefined }),
        );
        if (i >= 3) times.push(ms);
      }
      warm[shape] = summarize(times);
    }
    return { warm };
  } finally {
    await classifier.release();
  }
}

/**
 * CPU of one poster (resize + encoder) in onnxruntime-web's WASM build, the engine workerd runs: at the
 * served input size and at the 224 x 224 square of the first model, alternating, on the same posters.
 */
async function benchPosterShape(data: Sample[], served: ImageParams) {
  web.env.wasm.numThreads = 1;
  web.env.wasm.proxy = false;
  await initNodeImageDecoders();
  const session = await web.InferenceSession.create(await featureEncoderBytes(), { ...SESSION_OPTIONS, executionProviders: ['wasm'] });
  const images = await Promise.all(data.map((s) => decodeImage(s.poster)));
  const run = (params: ImageParams, i: number) =>
    timed(() => session.run({ pixel_values: new web.Tensor('float32', imageToTensor(images[i % images.length], params), imageTensorShape(params)) }));
  const times = { served: [] as number[], square: [] as number[] };
  for (let i = -2; i < WARM_RUNS; i++) {
    const [a] = await run(served, i + 2);
    const [b] = await run(MOBILENET_IMAGE_PARAMS, i + 2);
    if (i >= 0) [times.served, times.square].forEach((t, k) => t.push(k ? b : a));
  }
  await session.release();
  return { served: summarize(times.served), square: summarize(times.square) };
}

const data = await testSamples(10);
console.log(`bench: ${data.length} test-split movies, ${WARM_RUNS} warm runs per shape (BENCH_RUNS to change)\n`);
const manifest = await readManifest(ARTIFACTS_DIR);
const bundle = await bundleSize();
const worker = await benchWorker(data);
const native = await benchNative(data);
const posterShape = await benchPosterShape(data, manifest.image);
const baselineRoot = process.env.BENCH_BASELINE;
const baseline = baselineRoot ? await benchBaseline(data, baselineRoot) : undefined;

console.log('| figure | wrangler dev (onnxruntime-web WASM, workerd) | onnxruntime-node (native, 1 thread) |');
console.log('|---|---|---|');
console.log(`| cold start: first plot+poster request (R2 load ${fmt(worker.loadMs)} included) | ${fmt(worker.cold)} | |`);
for (const shape of SHAPES) {
  const w = worker.warm[shape];
  const n = native.warm[shape];
  console.log(`| warm ${shape} p50 / p95 | ${fmt(w.p50)} / ${fmt(w.p95)} | ${fmt(n.p50)} / ${fmt(n.p95)} |`);
}
for (const shape of SHAPES) {
  const t = worker.inside[shape];
  console.log(`| inside the Worker, ${shape} p50: decode / models | ${fmt(t.decodeMs)} / ${fmt(t.modelMs)} | |`);
}
for (const [c, rps] of Object.entries(worker.throughput)) console.log(`| throughput plot+poster, concurrency ${c} | ${rps.toFixed(1)} req/s | |`);
console.log(`| WASM heap after all models loaded | ${mib(worker.wasmHeapBytes)} | |`);
console.log(`| bundle (wrangler deploy --dry-run) | ${bundle.total}, gzip ${bundle.gzip} | |`);
const { height, width } = manifest.image;
console.log(
  `| CPU per poster (resize + encoder, onnxruntime-web WASM) p50: ${height}x${width} served / 224x224 first model | ` +
    `${fmt(posterShape.served.p50)} / ${fmt(posterShape.square.p50)} = ${(posterShape.served.p50 / posterShape.square.p50).toFixed(2)}x | |`,
);
if (baseline) {
  console.log(
    `| warm plot p50, alternating with the baseline ${baselineRoot} | ${fmt(baseline.ours.p50)} against ${fmt(baseline.theirs.p50)} = ` +
      `${(baseline.ours.p50 / baseline.theirs.p50).toFixed(2)}x | |`,
  );
}
console.log(`\nwarm plot+poster p50: WASM / native = ${(worker.warm.both.p50 / native.warm.both.p50).toFixed(2)}x (the Worker figure includes HTTP and multipart parsing)`);
