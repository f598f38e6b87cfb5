import webpWasm from '@jsquash/webp/codec/dec/webp_dec.wasm';
import { ApiError } from './apiError';
import { withModels, type ModelEnv } from './modelStore';
import { PlotInputError, type Classification, type RankedGenre } from './shared/classifier';
import { decodeImage, setWebpDecoderModule, type RgbaImage } from './shared/imageDecode';
import { ImageInputError } from './shared/imageError';
import { POSTER_DECODE_LIMITS } from './shared/limits';
import { hasWord } from './shared/plotText';

export interface PredictInput {
  plot?: string;
  poster?: Uint8Array;
}

export interface Prediction extends Omit<Classification, 'timings'> {
  top: RankedGenre;
  modelVersion: string;
  /** Milliseconds: model load (first request of an isolate), decode (poster decode, plot features, resize), models, total. */
  timings: { loadMs: number; decodeMs: number; modelMs: number; totalMs: number };
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

/** Classify a plot and/or a poster (bytes already within the documented limits) with the served models. */
export async function predict(env: ModelEnv, input: PredictInput): Promise<Prediction> {
  const started = Date.now();
  // Bad plots and images are refused before the models are touched, so they get a 4xx even while R2 is empty.
  if (input.plot !== undefined && !hasWord(input.plot)) throw new ApiError(400, 'invalid_plot', 'plot has no words: it needs at least one letter or digit');
  if (input.plot === undefined && input.poster === undefined) throw new ApiError(400, 'missing_input', 'send a plot, a poster, or both');
  const image = input.poster !== undefined ? await decodePoster(input.poster) : undefined;
  const decoded = Date.now();
  return withModels(env, async ({ classifier, manifest }) => {
    const loaded = Date.now();
    let result: Classification;
    try {
      result = await classifier.classify({ plot: input.plot, image });
    } catch (err) {
      if (err instanceof PlotInputError) throw new ApiError(400, 'invalid_plot', err.message);
      throw err;
    }
    const { timings, ...answer } = result;
    return {
      ...answer,
      top: answer.genres[0],
      modelVersion: manifest.version,
      timings: {
        loadMs: loaded - decoded,
        decodeMs: decoded - started + Math.round(timings.prepareMs),
        modelMs: Math.round(timings.modelMs),
        totalMs: Date.now() - started,
      },
    };
  });
}
