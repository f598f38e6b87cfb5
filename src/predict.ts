import { ApiError } from './apiError';
import { POSTER_DECODE_LIMITS } from './limits';
import { withModels, type LoadedModels, type ModelEnv } from './modelStore';
import { ort } from './ortRuntime';
import webpWasm from '@jsquash/webp/codec/dec/webp_dec.wasm';
import { decodeImage, setWebpDecoderModule, type RgbaImage } from './shared/imageDecode';
import { ImageInputError } from './shared/imageError';
import { imageToTensor } from './shared/imageTensor';
import { GENRES, type Genre } from './shared/labels';
import { hasWord } from './shared/plotText';

export interface PredictInput {
  plot?: string;
  poster?: Uint8Array;
}

export interface RankedGenre {
  genre: Genre;
  probability: number;
}

export interface Prediction {
  /** All seven genres, most probable first; probabilities sum to 1. */
  genres: RankedGenre[];
  top: RankedGenre;
  modalities: ('plot' | 'poster')[];
  modelVersion: string;
  /** With a plot: WordPiece tokens the text encoder read (the first `maxTokens`) and the plot's total. */
  plotTokens?: { read: number; total: number };
  /** Milliseconds: decode (tokenize, image decode+resize), encode (text/image encoders), classify (head). */
  timings: { loadMs: number; decodeMs: number; encodeMs: number; classifyMs: number; totalMs: number };
}

/** Run one model with inputs in the manifest's order, fetching only its first declared output. */
async function run(session: ort.InferenceSession, model: { inputs: string[]; outputs: string[] }, inputs: ort.Tensor[]): Promise<Float32Array> {
  const feeds = Object.fromEntries(model.inputs.map((n, i) => [n, inputs[i]]));
  const out = await session.run(feeds, [model.outputs[0]]);
  return out[model.outputs[0]].data as Float32Array;
}

function encodePlot(models: LoadedModels, plot: string): { ids: ort.Tensor; tokens: { read: number; total: number } } {
  const { ids, tokens } = models.tokenizer.encode(plot);
  if (ids.length === 0) throw new ApiError(400, 'invalid_plot', 'plot contains no words');
  return { ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]), tokens };
}

let webpReady: Promise<void> | undefined;

async function decodePoster(poster: Uint8Array): Promise<RgbaImage> {
  webpReady ??= setWebpDecoderModule(webpWasm);
  await webpReady;
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
  const rgba = input.poster !== undefined ? await decodePoster(input.poster) : undefined;
  const imageDecoded = Date.now();
  return withModels(env, (models) => classify(models, { plot: input.plot, rgba }, { started, imageDecoded }));
}

async function classify(
  models: LoadedModels,
  { plot, rgba }: { plot?: string; rgba?: RgbaImage },
  { started, imageDecoded }: { started: number; imageDecoded: number },
): Promise<Prediction> {
  const { sessions, manifest } = models;
  const loaded = Date.now();

  const text = plot !== undefined ? encodePlot(models, plot) : undefined;
  const { image } = manifest;
  const pixels = rgba && new ort.Tensor('float32', imageToTensor(rgba, image), [1, 3, image.size, image.size]);
  const decoded = Date.now();

  const m = manifest.models;
  const textVector = text && new ort.Tensor('float32', await run(sessions.textEncoder, m.textEncoder, [text.ids]), [1, manifest.text.dim]);
  const imageFeatures = pixels && new ort.Tensor('float32', await run(sessions.imageEncoder, m.imageEncoder, [pixels]), [1, manifest.image.dim]);
  const encoded = Date.now();

  let probs: Float32Array;
  if (textVector && imageFeatures) probs = await run(sessions.fusionHead, m.fusionHead, [textVector, imageFeatures]);
  else if (textVector) probs = await run(sessions.textHead, m.textHead, [textVector]);
  else if (imageFeatures) probs = await run(sessions.imageHead, m.imageHead, [imageFeatures]);
  else throw new ApiError(400, 'missing_input', 'send a plot, a poster, or both');
  const classified = Date.now();

  const genres = GENRES.map((genre, i) => ({ genre, probability: probs[i] })).sort((a, b) => b.probability - a.probability);
  return {
    genres,
    top: genres[0],
    modalities: [...(textVector ? ['plot' as const] : []), ...(imageFeatures ? ['poster' as const] : [])],
    modelVersion: manifest.version,
    ...(text && { plotTokens: text.tokens }),
    timings: {
      loadMs: loaded - imageDecoded,
      decodeMs: imageDecoded - started + (decoded - loaded),
      encodeMs: encoded - decoded,
      classifyMs: classified - encoded,
      totalMs: classified - started,
    },
  };
}
