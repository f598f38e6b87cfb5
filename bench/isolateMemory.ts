/**
 * `npm run bench:memory`: peak memory of the Worker's isolate (JS heap with its ArrayBuffers, plus
 * onnxruntime's WASM heap) while 1, 4, 8 and 16 maximum-size posters arrive at once, the figures behind
 * ADMISSION in src/shared/limits.ts. Prints figures, asserts nothing.
 *
 * How: `wrangler dev` runs the Worker behind bench/worker/memoryWorker.ts, which adds GET /__gc, with V8
 * flags passed through MINIFLARE_WORKERD_V8_FLAGS: --expose-gc, and --max-semi-space-size=1 so that V8
 * collects its young objects every megabyte, also in the middle of a long task such as a decode, as it would
 * when near a heap limit (BENCH_V8_FLAGS adds more). While the posters are in flight, two samplers each ask
 * for a full collection and then read the heap over wrangler's inspector proxy (Runtime.getHeapUsage:
 * usedSize plus backingStorageSize, the ArrayBuffers). A sample is what the requests in flight keep alive,
 * plus what the isolate allocated since that collection: an upper bound of the live memory at that moment.
 * onnxruntime's WASM heap is read from GET /health (wasmHeapBytes). Neither it nor the WebP decoder's WASM
 * heap (instantiated at the first WebP poster) is in Runtime.getHeapUsage; the WebP one is measured in this
 * process, after decoding the largest WebP the Worker accepts.
 */
import CDP from 'chrome-remote-interface';
import * as jpeg from 'jpeg-js';
import { decodeImage, jpegDecodeBytes } from '../src/shared/imageDecode';
import { ADMISSION, LIMITS, POSTER_DECODE_LIMITS } from '../src/shared/limits';
import { initNodeImageDecoders } from '../models/features/nodeImage';
import { toWebp } from '../test/support/imageFixtures';
import { publishedWorker } from './publishedWorker';
import { photoLike } from './raster';

const MB = 1e6;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The largest 2:3 4:4:4 JPEG (the layout jpeg-js decodes at the highest cost) within the decoder's budget. */
function largestJpeg(): [number, number] {
  const fits = (w: number) => jpegDecodeBytes({ width: w, height: Math.round(w * 1.5), sampling: [1, 2, 3].map(() => ({ h: 1, v: 1 })) }) <= LIMITS.posterJpegMemoryMB * 1024 * 1024;
  let width = 8;
  while (fits(width + 8)) width += 8;
  return [width, Math.round(width * 1.5)];
}

/** The costliest poster the Worker accepts: that JPEG, padded with comment segments to exactly posterMaxBytes. */
function maximumPoster(width: number, height: number): Uint8Array {
  const encoded = new Uint8Array(jpeg.encode({ data: photoLike(width, height), width, height }, 90).data);
  const out = new Uint8Array(LIMITS.posterMaxBytes);
  out.set(encoded.subarray(0, 2)); // SOI
  let at = 2;
  for (let room = out.length - encoded.length; room > 0; ) {
    // A COM segment: marker, 2-byte length (itself included), at most 65,533 bytes of text.
    const length = Math.min(65_535, room - 2);
    if (length < 2) throw new Error('padding does not come out even');
    out.set([0xff, 0xfe, length >> 8, length & 255], at);
    at += 2 + length;
    room -= 2 + length;
  }
  out.set(encoded.subarray(2), at);
  return out;
}

/** Runtime.getHeapUsage as V8 answers it; the protocol typings predate backingStorageSize. */
type Usage = { usedSize: number; backingStorageSize: number };

/**
 * The WebP decoder's WASM memory after decoding the largest WebP accepted (2:3, posterMaxPixels): read from the
 * WebAssembly.Memory its instance exports, caught as jsquash instantiates the precompiled module.
 */
async function webpDecoderHeap(): Promise<number> {
  const memories: WebAssembly.Memory[] = [];
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
    const instance = new Instance(module, imports);
    memories.push(...Object.values(instance.exports).filter((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory));
    return instance;
  } as unknown as typeof WebAssembly.Instance;
  try {
    const width = Math.floor(Math.sqrt((LIMITS.posterMaxPixels * 2) / 3));
    const height = Math.floor(LIMITS.posterMaxPixels / width);
    // Noise in every channel, alpha too: the least compressible image, with an alpha plane to decode.
    const noise = new Uint8Array(width * height * 4).map((_, i) => (i * 7919) % 251);
    const webp = await toWebp(noise, width, height);
    memories.length = 0; // the encoder's
    await initNodeImageDecoders();
    await decodeImage(webp, POSTER_DECODE_LIMITS);
    return Math.max(...memories.map((m) => m.buffer.byteLength));
  } finally {
    WebAssembly.Instance = Instance;
  }
}
const live = (u: Usage) => u.usedSize + u.backingStorageSize;

const [width, height] = largestJpeg();
const poster = maximumPoster(width, height);
const base64 = Buffer.from(poster).toString('base64');
const bodies = {
  'JSON, base64 poster': () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ poster: base64 }) }),
  'multipart, poster file': () => {
    const form = new FormData();
    form.set('poster', new File([poster as Uint8Array<ArrayBuffer>], 'poster.jpg', { type: 'image/jpeg' }));
    return { body: form };
  },
};

const worker = await publishedWorker(undefined, undefined, { script: 'bench/worker/memoryWorker.ts', env: { MINIFLARE_WORKERD_V8_FLAGS: `--expose-gc --max-semi-space-size=1 ${process.env.BENCH_V8_FLAGS ?? ''}`.trim() } });
const client = await CDP({ target: `ws://127.0.0.1:${worker.inspectorPort}/ws`, local: true });
try {
  const usage = async () => (await client.send('Runtime.getHeapUsage')) as unknown as Usage;
  const collect = async () => void (await fetch(`${worker.url}/__gc`)).body?.cancel();
  const post = async (kind: keyof typeof bodies) => {
    const { headers, body } = bodies[kind]() as { headers?: Record<string, string>; body: BodyInit };
    // no-store: the same poster again must be decoded again, not read from the answer cache.
    const res = await fetch(`${worker.url}/predict`, { method: 'POST', headers: { ...headers, 'cache-control': 'no-store' }, body });
    await res.body?.cancel();
    return res.status;
  };

  if ((await post('JSON, base64 poster')) !== 200) throw new Error('the maximum poster was not classified');
  const { wasmHeapBytes } = (await (await fetch(`${worker.url}/health`)).json()) as { wasmHeapBytes: number };
  await collect();
  const idle = live(await usage());

  const webpHeap = await webpDecoderHeap();

  console.log(
    `bench:memory: a ${LIMITS.posterMaxBytes}-byte JPEG poster (${width} x ${height}, 4:4:4, within the ${LIMITS.posterJpegMemoryMB} MB decoding budget); ` +
      `ADMISSION: ${ADMISSION.slots} slot(s), ${ADMISSION.queue} waiting\n`,
  );
  console.log(`| | figure |\n|---|---|`);
  console.log(`| onnxruntime's WASM heap, models loaded (GET /health) | ${mb(wasmHeapBytes)} |`);
  console.log(`| the WebP decoder's WASM heap after a ${LIMITS.posterMaxPixels}-pixel WebP (in Node) | ${mb(webpHeap)} |`);
  console.log(`| JS heap + ArrayBuffers, idle after a full collection | ${mb(idle)} |`);

  console.log(`\n| concurrency | body | answers | JS peak (heap + ArrayBuffers) | samples | + both WASM heaps |\n|---|---|---|---|---|---|`);
  for (const kind of Object.keys(bodies) as (keyof typeof bodies)[]) {
    for (const concurrency of [1, 4, 8, 16]) {
      await collect();
      let peak = live(await usage());
      let samples = 0;
      let running = true;
      const sampler = async () => {
        while (running) {
          await collect();
          peak = Math.max(peak, live(await usage()));
          samples++;
        }
      };
      const samplers = [sampler(), sampler()];
      const statuses = await Promise.all(Array.from({ length: concurrency }, () => post(kind)));
      running = false;
      await Promise.all(samplers);
      const counts = [...new Set(statuses)].map((status) => `${statuses.filter((s) => s === status).length} x ${status}`);
      console.log(`| ${concurrency} | ${kind} | ${counts.join(', ')} | ${mb(peak)} | ${samples} | **${mb(peak + wasmHeapBytes + webpHeap)}** |`);
    }
  }
} finally {
  await client.close();
  await worker.stop();
}
