/**
 * `npm run bench:bot-poster`: how the gateway bot hands a Discord attachment to POST /predict.
 *
 * - upload: the bot downloads the attachment (posterFromUrl, with the Worker's own rules) and uploads the
 *   bytes again as multipart;
 * - posterUrl: the bot sends the attachment's URL as JSON and the Worker downloads it.
 *
 * A local fake of Discord's CDN serves test-split posters from ../shared at signed attachment URLs that
 * expire, as Discord's do; the Worker (`wrangler dev`, published models) has its origin on POSTER_URL_HOSTS. Both
 * ways run alternately on the same posters, at two sizes: the dataset's own file and the same poster
 * re-encoded at 780 x 1170 (a web-size poster, as users attach them). Prints the bot's time from "attachment
 * URL known" to "prediction parsed", the bytes of request and poster bodies through the bot, and who
 * fetches the CDN. Asserts nothing.
 *
 * BENCH_BOT_MBIT (default "0,20") lists the speeds of the bot host's link to run at, in Mbit/s each way;
 * 0 is loopback, unpaced. Only the bot's own transfers are paced: the Worker's fetch of the CDN stays on
 * loopback, as in production both run on Cloudflare's network (Discord's CDN is served through Cloudflare).
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { posterFromUrl } from '../src/posterInput';
import { decodeImage } from '../src/shared/imageDecode';
import { resizeRgb } from '../src/shared/imageResize';
import { toJpeg } from '../test/support/imageFixtures';
import { publishedWorker } from './publishedWorker';
import { testSamples } from './samples';
import { summarize, timed } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const LINKS_MBIT = (process.env.BENCH_BOT_MBIT ?? '0,20').split(',').map(Number);
/** TMDB's w500: jpeg-js writes 4:4:4 only, and a 4:4:4 780 x 1170 is over the Worker's 16 MB JPEG budget. */
const WEB_SIZE = { width: 500, height: 750 };
const SIGNING_KEY = 'fake-cdn-key';
const HOUR_S = 3600;
const CHUNK = 16 * 1024;

type Way = 'upload' | 'posterUrl';
const WAYS: Way[] = ['upload', 'posterUrl'];

/** The bot host's link: 0 Mbit/s means unpaced. Set per table. */
const botLink = { mbit: 0 };

/** `bytes` in chunks, each released no sooner than the link's speed allows. */
async function* paced(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const started = performance.now();
  for (let at = 0; at < bytes.byteLength; at += CHUNK) {
    const due = botLink.mbit ? started + (at * 8) / (botLink.mbit * 1000) : 0;
    if (due > performance.now()) await sleep(due - performance.now());
    yield bytes.subarray(at, at + CHUNK);
  }
}

/** Discord's attachment URL shape: a path, then `ex` (expiry, hex seconds), `is` (issued) and `hm` (signature). */
function signedPath(path: string, expiresAt: number): string {
  const ex = expiresAt.toString(16);
  const is = (expiresAt - 24 * HOUR_S).toString(16);
  const hm = createHmac('sha256', SIGNING_KEY).update(`${path}${ex}${is}`).digest('hex');
  return `${path}?ex=${ex}&is=${is}&hm=${hm}`;
}

/**
 * The fake CDN: 404 for an unknown file, a bad signature or an expired URL, as Discord answers. Records who
 * fetched: Node's fetch (the bot) says "node", workerd's sends no user agent. The bot's downloads are paced.
 */
async function startFakeCdn(files: Map<string, Uint8Array>) {
  const fetchedBy: ('the bot' | 'the Worker')[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const [ex, is, hm] = ['ex', 'is', 'hm'].map((k) => url.searchParams.get(k) ?? '');
    const expected = createHmac('sha256', SIGNING_KEY).update(`${url.pathname}${ex}${is}`).digest('hex');
    const file = files.get(url.pathname);
    if (!file || hm !== expected || parseInt(ex, 16) * 1000 < Date.now()) return void res.writeHead(404).end('This content is no longer available.');
    const bot = req.headers['user-agent'] === 'node';
    fetchedBy.push(bot ? 'the bot' : 'the Worker');
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': file.byteLength });
    if (!bot) return void res.end(file);
    for await (const chunk of paced(file)) res.write(chunk);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetchedBy,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A poster scaled to the web size and re-encoded: the size of file a user typically attaches. */
async function webSize(poster: Uint8Array): Promise<Uint8Array> {
  const img = await decodeImage(poster);
  const rgb = resizeRgb(img, { x: 0, y: 0, width: img.width, height: img.height }, WEB_SIZE.width, WEB_SIZE.height);
  const rgba = new Uint8Array(WEB_SIZE.width * WEB_SIZE.height * 4);
  for (let p = 0; p < WEB_SIZE.width * WEB_SIZE.height; p++) {
    rgba.set([Math.round(rgb[p * 3]), Math.round(rgb[p * 3 + 1]), Math.round(rgb[p * 3 + 2]), 255], p * 4);
  }
  return toJpeg(rgba, WEB_SIZE.width, WEB_SIZE.height);
}

/** The request body the bot sends each way, serialised here (as fetch would) so that its size is known. */
async function requestBody(way: Way, posterUrl: string, plot: string): Promise<{ body: Uint8Array; contentType: string; downloaded: number }> {
  if (way === 'posterUrl') return { body: new TextEncoder().encode(JSON.stringify({ plot, posterUrl })), contentType: 'application/json', downloaded: 0 };
  const poster = await posterFromUrl(posterUrl, '127.0.0.1');
  const form = new FormData();
  form.set('plot', plot);
  form.set('poster', new File([poster as Uint8Array<ArrayBuffer>], 'poster.jpg', { type: 'image/jpeg' }));
  const request = new Request('http://x', { method: 'POST', body: form });
  return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type')!, downloaded: poster.byteLength };
}

async function classify(workerUrl: string, way: Way, posterUrl: string, plot: string) {
  const [ms, sent] = await timed(async () => {
    const { body, contentType, downloaded } = await requestBody(way, posterUrl, plot);
    const res = await fetch(`${workerUrl}/predict`, {
      method: 'POST',
      // no-store: each way must download and decode the poster, not read the answer cache.
      headers: { 'content-type': contentType, 'cache-control': 'no-store' },
      // Node's fetch streams an async iterable (chunked); the DOM types do not know that.
      body: paced(body),
      duplex: 'half',
    } as unknown as RequestInit);
    const json = (await res.json()) as { error?: { code: string }; timings: { totalMs: number } };
    if (!res.ok) throw new Error(`POST /predict answered ${res.status} ${json.error?.code}`);
    return { sentBytes: body.byteLength, downloaded, serverMs: json.timings.totalMs };
  });
  return { ms, ...sent };
}

const samples = await testSamples(10);
const sizes = { dataset: samples.map((s) => s.poster as Uint8Array), 'web size': await Promise.all(samples.map((s) => webSize(s.poster))) };
const pathOf = (size: string, i: number) => `/attachments/1/${size.replace(' ', '-')}-${i}/poster.jpg`;
const files = new Map(Object.entries(sizes).flatMap(([size, posters]) => posters.map((p, i) => [pathOf(size, i), p] as const)));
const cdn = await startFakeCdn(files);
const worker = await publishedWorker(undefined, { POSTER_URL_HOSTS: cdn.url });
const expires = Math.floor(Date.now() / 1000) + 24 * HOUR_S;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

try {
  console.log(`bench:bot-poster: ${samples.length} test-split posters, ${RUNS} runs per way, size and link, alternating (BENCH_RUNS, BENCH_BOT_MBIT to change)\n`);
  console.log('| bot link | poster | way | bot time p50 / p95 | Worker totalMs p50 | bot sends | bot receives from the CDN | CDN fetched by |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const mbit of LINKS_MBIT) {
    botLink.mbit = mbit;
    for (const [size, posters] of Object.entries(sizes)) {
      const runs = { upload: [], posterUrl: [] } as Record<Way, Awaited<ReturnType<typeof classify>>[]>;
      const fetchers = { upload: new Set<string>(), posterUrl: new Set<string>() };
      for (let i = -3; i < RUNS; i++) {
        const k = (i + 3) % posters.length;
        for (const way of i % 2 ? WAYS : [...WAYS].reverse()) {
          const before = cdn.fetchedBy.length;
          const run = await classify(worker.url, way, `${cdn.url}${signedPath(pathOf(size, k), expires)}`, samples[k].plot);
          cdn.fetchedBy.slice(before).forEach((who) => fetchers[way].add(who));
          if (i >= 0) runs[way].push(run);
        }
      }
      for (const way of WAYS) {
        const r = runs[way];
        const t = summarize(r.map((x) => x.ms));
        console.log(
          `| ${mbit ? `${mbit} Mbit/s` : 'loopback'} | ${size} (mean ${kb(mean(posters.map((p) => p.byteLength)))}) | ${way} | ${fmt(t.p50)} / ${fmt(t.p95)} | ` +
            `${fmt(summarize(r.map((x) => x.serverMs)).p50)} | ${kb(mean(r.map((x) => x.sentBytes)))} | ${kb(mean(r.map((x) => x.downloaded)))} | ${[...fetchers[way]].join(', ')} |`,
        );
      }
    }
  }
  // Discord's URLs expire (ex); an expired one fails the same way whoever fetches it.
  const expired = `${cdn.url}${signedPath(pathOf('dataset', 0), Math.floor(Date.now() / 1000) - 1)}`;
  const outcome = (p: Promise<unknown>) => p.then(() => 'answered', (e: unknown) => `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`.trim());
  console.log();
  for (const way of WAYS) console.log(`expired URL, ${way}: ${await outcome(classify(worker.url, way, expired, samples[0].plot))}`);
} finally {
  await worker.stop();
  await cdn.close();
}
