import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { ImageInputError } from '../../src/shared/imageError';
import type { ImageParams } from '../../src/shared/imageTensor';
import { SESSION_OPTIONS } from '../../src/shared/sessionOptions';
import type { Movie } from '../data/dataset';
import { sha256, sha256File } from '../hashing';
import { IMAGE_DIM } from './featureEncoder';
import { ImageEncoder, posterTensor } from './imageEncoder';
import { PROJECT_ROOT } from '../paths';


export interface PosterProblem {
  tmdbId: number;
  reason: 'missing' | 'undecodable';
  detail: string;
}

export interface ImageFeatures {
  /** MobileNetV2 features by tmdb_id, for every movie whose poster decoded. */
  byId: Map<number, Float32Array>;
  problems: PosterProblem[];
  /** Movies whose features came from the cache rather than the encoder. */
  cached: number;
  /** The sha256 of every poster read, by tmdb_id: the same poster under two ids is the same training example. */
  posterSha: Map<number, string>;
}

export interface ImageFeatureOptions {
  modelPath: string;
  params: ImageParams;
  cacheDir: string;
  threads?: number;
  progress?: boolean;
}

const BATCH = 8;

/** The shared preprocessing code: features computed before an edit to it must not be reused. */
const PREPROCESSING_SOURCES = ['imageDecode.ts', 'imageOrientation.ts', 'pngGuard.ts', 'imageResize.ts', 'imageTensor.ts'].map((f) => join(PROJECT_ROOT, 'src', 'shared', f));

/**
 * The cache is keyed by the encoder's sha256, its session options (they change the float results in the
 * fifth decimal), the preprocessing parameters and the preprocessing source (file name), and by each
 * poster's sha256 (record), so it stays valid across dataset folders. Records are appended batch by
 * batch, so an interrupted run keeps what it did.
 */
class FeatureCache {
  readonly entries = new Map<string, Float32Array>();
  private constructor(readonly path: string) {}

  static async open(dir: string, modelPath: string, params: ImageParams): Promise<FeatureCache> {
    const sources = await Promise.all(PREPROCESSING_SOURCES.map(sha256File));
    const key = sha256(`${await sha256File(modelPath)} ${JSON.stringify(SESSION_OPTIONS)} ${JSON.stringify(params)} ${sources.join(' ')}`).slice(0, 16);
    await mkdir(dir, { recursive: true });
    const cache = new FeatureCache(join(dir, `image-features-${key}.bin`));
    if (existsSync(cache.path)) {
      const buf = await readFile(cache.path);
      const record = 32 + IMAGE_DIM * 4;
      // A run stopped mid-append leaves part of a record; cut it, or every later record would be misread.
      if (buf.length % record !== 0) await truncate(cache.path, buf.length - (buf.length % record));
      for (let off = 0; off + record <= buf.length; off += record) {
        const vec = new Float32Array(buf.buffer.slice(buf.byteOffset + off + 32, buf.byteOffset + off + record));
        cache.entries.set(buf.subarray(off, off + 32).toString('hex'), vec);
      }
    }
    return cache;
  }

  async append(items: { posterSha: string; vec: Float32Array }[]): Promise<void> {
    if (items.length === 0) return;
    const parts = items.flatMap(({ posterSha, vec }) => {
      this.entries.set(posterSha, vec);
      return [Buffer.from(posterSha, 'hex'), Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength)];
    });
    await appendFile(this.path, Buffer.concat(parts));
  }
}

/** MobileNetV2 features of every movie's poster, via the shared decode/resize/normalise code. */
export async function extractImageFeatures(movies: Movie[], options: ImageFeatureOptions): Promise<ImageFeatures> {
  const cache = await FeatureCache.open(options.cacheDir, options.modelPath, options.params);
  const byId = new Map<number, Float32Array>();
  const problems: PosterProblem[] = [];
  const todo: { tmdbId: number; posterSha: string; bytes: Uint8Array }[] = [];
  const shaById = new Map<number, string>();
  let cached = 0;

  for (const movie of movies) {
    if (!existsSync(movie.posterPath)) {
      problems.push({ tmdbId: movie.tmdbId, reason: 'missing', detail: movie.posterPath });
      continue;
    }
    const bytes = await readFile(movie.posterPath);
    const posterSha = sha256(bytes);
    shaById.set(movie.tmdbId, posterSha);
    const hit = cache.entries.get(posterSha);
    if (hit) {
      byId.set(movie.tmdbId, hit);
      cached++;
    } else todo.push({ tmdbId: movie.tmdbId, posterSha, bytes });
  }

  if (todo.length > 0) {
    const encoder = await ImageEncoder.load(options.modelPath, options.params, options.threads ?? 2);
    const bar = options.progress ? new SingleBar({ format: 'poster features [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
    bar?.start(todo.length, 0);
    const decodeBatch = async (items: typeof todo) => {
      const ok: { posterSha: string; tmdbId: number; tensor: Float32Array }[] = [];
      for (const item of items) {
        try {
          ok.push({ ...item, tensor: await posterTensor(item.bytes, options.params) });
        } catch (err) {
          if (!(err instanceof ImageInputError)) throw err;
          problems.push({ tmdbId: item.tmdbId, reason: 'undecodable', detail: err.message });
        }
      }
      return ok;
    };
    // Decode the next batch in JS while onnxruntime runs the current one on its own threads. The batch
    // is awaited (and its error thrown) one round later: mark it observed now, or a failure while the
    // encoder runs would be an unhandled rejection that kills the process.
    const prefetch = (items: typeof todo) => {
      const decoding = decodeBatch(items);
      decoding.catch(() => undefined);
      return decoding;
    };
    let next = prefetch(todo.slice(0, BATCH));
    try {
      for (let start = 0; start < todo.length; start += BATCH) {
        const ready = await next;
        const running = ready.length > 0 ? encoder.run(ready.map((r) => r.tensor)) : Promise.resolve([]);
        next = prefetch(todo.slice(start + BATCH, start + 2 * BATCH));
        const vecs = await running;
        const items = ready.map((r, i) => ({ posterSha: r.posterSha, vec: vecs[i] }));
        await cache.append(items);
        ready.forEach((r, i) => byId.set(r.tmdbId, vecs[i]));
        bar?.increment(Math.min(BATCH, todo.length - start));
      }
    } finally {
      bar?.stop();
      await encoder.release();
    }
  }
  return { byId, problems, cached, posterSha: shaById };
}
