import webpWasm from '@jsquash/webp/codec/dec/webp_dec.wasm';
import type { Context } from 'hono';
import { cachedAnswer, cacheUrl, storeAnswer } from './answerCache';
import { ApiError } from './apiError';
import { sha256Hex } from './digest';
import type { AppEnv, Env } from './env';
import { log } from './log';
import { servingVersion, withModels } from './modelStore';
import { classifyAnswer, inputProblem } from './shared/answer';
import type { Prediction } from './shared/apiSchemas';
import { PlotInputError } from './shared/classifier';
import { decodeImage, setWebpDecoderModule, type RgbaImage } from './shared/imageDecode';
import { ImageInputError } from './shared/imageError';
import { POSTER_DECODE_LIMITS } from './shared/limits';

export interface PredictInput {
  plot?: string;
  poster?: Uint8Array;
}

/** Where a prediction is asked for: the bindings, the Worker's origin (the cache's keys live there), and how to finish work after answering. */
export interface PredictContext {
  env: Env;
  origin: string;
  waitUntil: (work: Promise<unknown>) => void;
  /** The request's Cache-Control: `no-cache` computes afresh (and stores), `no-store` neither reads nor stores. */
  cacheControl?: string;
}

/** The context predict() needs, from a request's. */
export const predictContext = (c: Context<AppEnv>): PredictContext => ({
  env: c.env,
  origin: new URL(c.req.url).origin,
  waitUntil: (work) => c.executionCtx.waitUntil(work),
  cacheControl: c.req.header('cache-control'),
});

export interface PredictOutcome {
  prediction: Prediction;
  /** RFC 9211: read from the cache (hit), computed because it was not there (miss) or because the request said so (request). */
  cache: 'hit' | 'miss' | 'request';
}

let webpSet: Promise<void> | undefined;

async function decodePoster(poster: Uint8Array): Promise<RgbaImage> {
  webpSet ??= setWebpDecoderModule(webpWasm);
  await webpSet;
  try {
    return await decodeImage(poster, POSTER_DECODE_LIMITS);
  } catch (err) {
    if (err instanceof ImageInputError) throw new ApiError(err.code === 'image_too_large' ? 413 : 400, err.code, err.message);
    throw err;
  }
}

async function compute(ctx: PredictContext, input: PredictInput, started: number): Promise<Prediction> {
  const image = input.poster !== undefined ? await decodePoster(input.poster) : undefined;
  const decoded = Date.now();
  return withModels(ctx.env, async ({ classifier, manifest }) => {
    const loaded = Date.now();
    try {
      const { answer, timings } = await classifyAnswer(classifier, { plot: input.plot, image });
      return {
        ...answer,
        modelVersion: manifest.version,
        timings: {
          loadMs: loaded - decoded,
          decodeMs: decoded - started + Math.round(timings.prepareMs),
          modelMs: Math.round(timings.modelMs),
          totalMs: Date.now() - started,
          cached: false,
        },
      };
    } catch (err) {
      if (err instanceof PlotInputError) throw new ApiError(400, 'invalid_plot', err.message);
      throw err;
    }
  });
}

/**
 * Classify a plot and/or a poster (bytes already within the documented limits): the one path behind
 * POST /predict, each /predict/batch item and the Discord command. A repeat of an input the serving model
 * version has answered comes from the cache (answerCache.ts) without running the models.
 */
export async function predict(ctx: PredictContext, input: PredictInput): Promise<PredictOutcome> {
  const started = Date.now();
  // Bad plots and images are refused before the models are touched, so they get a 4xx even while R2 is empty.
  const problem = inputProblem(input);
  if (problem) throw new ApiError(400, problem.code, problem.message);
  const posterSha256 = input.poster && (await sha256Hex(input.poster));
  const keyOf = (modelVersion: string) => cacheUrl(ctx.origin, { workerVersion: ctx.env.CF_VERSION_METADATA.id, modelVersion, plot: input.plot, posterSha256 });
  const directives = ctx.cacheControl?.toLowerCase() ?? '';
  const [read, store] = [!/no-cache|no-store/.test(directives), !directives.includes('no-store')];
  // Models that cannot be loaded now: no lookup; computing below then says why (503), or refuses bad input (4xx).
  const version = read ? await servingVersion(ctx.env).catch(() => undefined) : undefined;
  if (version !== undefined) {
    const hit = await cachedAnswer(await keyOf(version));
    if (hit) return { prediction: { ...hit, timings: { loadMs: 0, decodeMs: 0, modelMs: 0, totalMs: Date.now() - started, cached: true } }, cache: 'hit' };
  }
  const prediction = await compute(ctx, input, started);
  if (store) {
    ctx.waitUntil(
      keyOf(prediction.modelVersion)
        .then((url) => storeAnswer(url, prediction))
        .catch((err: unknown) => log('warn', 'caching an answer failed', { error: String(err) })),
    );
  }
  return { prediction, cache: read ? 'miss' : 'request' };
}
