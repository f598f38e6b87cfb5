/**
 * `npm run bench:decode`: peak memory of decoding and resizing one poster with the Worker's limits,
 * the figure behind `posterMaxPixels` and `posterJpegMemoryMB` in src/shared/limits.ts. Each case runs in a
 * fresh Node process and reports the growth of its peak resident memory (VmHWM), an upper bound of what
 * the decode keeps live at once. Then, in this process, the time the PNG guard takes next to the whole
 * decode of the same PNGs (warm, median of 10). Prints figures, asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import * as jpeg from 'jpeg-js';
import { POSTER_DECODE_LIMITS } from '../src/shared/limits';
import { decodeImage } from '../src/shared/imageDecode';
import { guardPng } from '../src/shared/pngGuard';
import { summarize, timed } from './stats';
import { imageToTensor } from '../src/shared/imageTensor';
import { readManifest } from '../models/export/artifacts';
import { ARTIFACTS_DIR } from '../models/paths';
import { photoLike } from './raster';

const peakMB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

/** Child: decode one file with the Worker's limits and print the peak growth as JSON. */
async function measure(file: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  const before = peakMB();
  let outcome = 'decoded';
  try {
    const img = await decodeImage(bytes, POSTER_DECODE_LIMITS);
    // The served input size: the resize is part of what a poster costs.
    imageToTensor(img, (await readManifest(ARTIFACTS_DIR)).image);
  } catch (err) {
    outcome = `refused (${(err as { code?: string }).code})`;
  }
  console.log(JSON.stringify({ outcome, peakGrowthMB: peakMB() - before }));
}

function runChild(file: string): { outcome: string; peakGrowthMB: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Median ms of `fn` over 10 runs after 3 warm-up runs. */
async function medianMs(fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) ms.push((await timed(async () => fn()))[0]);
  return summarize(ms).p50;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'decode-bench-'));
  const pngs: [string, Uint8Array][] = [];
  for (const megapixels of [0.5, 1, 1.5, 2]) {
    const width = Math.round(Math.sqrt((megapixels * 1e6 * 2) / 3));
    const height = Math.floor((megapixels * 1e6) / width);
    const pixels = photoLike(width, height);
    const files: [string, string, Uint8Array][] = [
      [`JPEG 4:4:4 ${width}x${height}`, `${megapixels}.jpg`, jpeg.encode({ data: pixels, width, height }, 90).data],
      [`PNG RGBA ${width}x${height}`, `${megapixels}.png`, encodePng({ data: pixels, width, height, channels: 4 })],
    ];
    for (const [label, name, bytes] of files) {
      writeFileSync(join(dir, name), bytes);
      const { outcome, peakGrowthMB } = runChild(join(dir, name));
      console.log(`| ${label} | ${outcome} | ${peakGrowthMB.toFixed(0)} MB |`);
      if (name.endsWith('.png')) pngs.push([label, bytes]);
    }
  }
  console.log('\n| poster | PNG guard (bounded inflate) | whole decode, guard included |\n|---|---|---|');
  for (const [label, bytes] of pngs) {
    const guard = await medianMs(() => guardPng(bytes));
    const decode = await medianMs(() => decodeImage(bytes, POSTER_DECODE_LIMITS));
    console.log(`| ${label} | ${guard.toFixed(1)} ms | ${decode.toFixed(1)} ms |`);
  }
}

if (process.argv[2] === '--child') await measure(process.argv[3]);
else {
  const { maxPixels, maxSide, maxJpegMemoryMB } = POSTER_DECODE_LIMITS;
  console.log(`Worker limits: ${maxPixels} pixels, ${maxSide} a side, jpeg-js budget ${maxJpegMemoryMB} MB\n`);
  // jpeg-js encodes 4:4:4 only, the costliest layout to decode; most JPEGs are 4:2:0 and need less.
  console.log('| poster | outcome | peak process memory growth |\n|---|---|---|');
  await main();
}
