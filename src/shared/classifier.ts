import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';
import type { RgbaImage } from './imageDecode';
import { imageTensorShape, imageToTensor } from './imageTensor';
import { GENRES, TMDB_GENRES, type Genre, type TmdbGenre } from './labels';
import { MODEL_KEYS, type FileEntry, type ModelKey, type ModelManifest } from './modelManifest';
import { plotEvidence, type PlotEvidence } from './plotEvidence';
import { plotFeatures } from './plotFeatures';

/** What the classifier needs of an onnxruntime package (onnxruntime-web in the Worker, onnxruntime-node offline). */
export interface OrtRuntime {
  Tensor: {
    new (type: 'int64', data: BigInt64Array, dims: readonly number[]): TypedTensor<'int64'>;
    new (type: 'float32', data: Float32Array, dims: readonly number[]): TypedTensor<'float32'>;
  };
}

export interface RankedGenre {
  genre: Genre;
  probability: number;
}

export interface RankedTmdbGenre {
  genre: TmdbGenre;
  probability: number;
}

/** One head's answer: the seven genres (summing to 1) and the 19 TMDB genres (each on its own), in label order. */
export interface HeadOutput {
  probs: number[];
  tmdbProbs: number[];
}

export interface ClassifierInput {
  plot?: string;
  image?: RgbaImage;
}

/** Every head the input allows: text and image alone, and fusion when both are given. */
export interface HeadOutputs {
  text?: HeadOutput;
  image?: HeadOutput;
  fusion?: HeadOutput;
  /** With a plot: the words or phrases that raised the answer's top genre most. */
  evidence?: (top: number) => PlotEvidence[];
  plotWords?: { read: number; total: number };
  /** Milliseconds spent in feature extraction (plot and image resize) and in the models. */
  timings: { prepareMs: number; modelMs: number };
}

export interface Classification {
  /** All seven genres, most probable first; probabilities sum to 1. */
  genres: RankedGenre[];
  /** The 19 TMDB genres, most probable first; each probability is independent of the others. */
  tmdbGenres: RankedTmdbGenre[];
  modalities: ('plot' | 'poster')[];
  evidence?: { plot: PlotEvidence[] };
  plotWords?: { read: number; total: number };
  timings: { prepareMs: number; modelMs: number };
}

/** Thrown for a plot the text model cannot read: no word it knows. */
export class PlotInputError extends Error {}

/** The three answers a classifier gives, and the models each one runs. */
export const ANSWER_MODELS = {
  plot: ['textModel'],
  poster: ['imageEncoder', 'imageHead'],
  plotAndPoster: ['textModel', 'imageEncoder', 'fusionHead'],
} as const satisfies Record<string, readonly ModelKey[]>;
export type AnswerKind = keyof typeof ANSWER_MODELS;

const ANSWER_NAMES: Record<AnswerKind, string> = { plot: 'a plot alone', poster: 'a poster alone', plotAndPoster: 'a plot with a poster' };

/** Thrown when the input needs a model that is not loaded; the message names it and why it is missing. */
export class ModelUnavailableError extends Error {}

const rank = <G extends string>(names: readonly G[], probs: number[]) =>
  names.map((genre, i) => ({ genre, probability: probs[i] })).sort((a, b) => b.probability - a.probability);

/**
 * The served models as one classifier: plot features and image tensor from the shared preprocessing, the
 * ONNX sessions fed in the manifest's input order. The Worker, the evaluation, the benchmarks and the tests
 * all classify through this one class, whichever onnxruntime runs the sessions.
 */
export class GenreClassifier {
  private constructor(
    private readonly ort: OrtRuntime,
    readonly manifest: ModelManifest,
    private readonly sessions: Partial<Record<ModelKey, InferenceSession>>,
    /** Why each model without a session has none. */
    readonly unavailable: Partial<Record<ModelKey, string>>,
  ) {}

  /**
   * A classifier over the sessions a host could create (the Worker's model store creates and releases them
   * itself); it answers what those sessions allow, and refuses the rest with ModelUnavailableError.
   */
  static of(ort: OrtRuntime, manifest: ModelManifest, sessions: Partial<Record<ModelKey, InferenceSession>>, unavailable: Partial<Record<ModelKey, string>> = {}): GenreClassifier {
    const reasons = Object.fromEntries(MODEL_KEYS.filter((k) => !sessions[k]).map((k) => [k, unavailable[k] ?? `${manifest.models[k].file} is not loaded`]));
    return new GenreClassifier(ort, manifest, sessions, reasons);
  }

  /**
   * Create the sessions one file at a time (each file's bytes can be dropped once its session exists, which
   * keeps peak memory low); `read` returns a file's verified bytes. A failure releases what was created.
   */
  static async load(
    ort: OrtRuntime,
    manifest: ModelManifest,
    read: (entry: FileEntry) => Promise<Uint8Array>,
    createSession: (bytes: Uint8Array, key: ModelKey) => Promise<InferenceSession>,
  ): Promise<GenreClassifier> {
    const sessions: Partial<Record<ModelKey, InferenceSession>> = {};
    try {
      for (const key of MODEL_KEYS) sessions[key] = await createSession(await read(manifest.models[key]), key);
    } catch (err) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw err;
    }
    return new GenreClassifier(ort, manifest, sessions, {});
  }

  /** Which answers the loaded sessions can give. */
  answers(): Record<AnswerKind, boolean> {
    const can = (kind: AnswerKind) => ANSWER_MODELS[kind].every((key) => this.sessions[key]);
    return { plot: can('plot'), poster: can('poster'), plotAndPoster: can('plotAndPoster') };
  }

  private async run(key: ModelKey, inputs: Tensor[]): Promise<Record<string, Float32Array>> {
    const model = this.manifest.models[key];
    const out = await this.sessions[key]!.run(Object.fromEntries(model.inputs.map((name, i) => [name, inputs[i]])));
    return Object.fromEntries(model.outputs.map((name) => [name, out[name].data as Float32Array]));
  }

  private static head(out: Record<string, Float32Array>): HeadOutput {
    return { probs: [...out.probs], tmdbProbs: [...out.tmdb_probs] };
  }

  /** Every head the input and the loaded sessions allow (evaluation reads all three; `classify` answers with the best one). */
  async heads(input: ClassifierInput): Promise<HeadOutputs> {
    const started = performance.now();
    const { text, image } = this.manifest;
    const features = input.plot !== undefined ? plotFeatures(input.plot, text.features, { phrases: true }) : undefined;
    if (features && features.ids.length === 0) throw new PlotInputError('plot has no words');
    const pixels = input.image && imageToTensor(input.image, image);
    const prepared = performance.now();

    const out: HeadOutputs = { timings: { prepareMs: prepared - started, modelMs: 0 } };
    let textVector: Tensor | undefined;
    if (features && this.sessions.textModel) {
      const t = await this.run('textModel', [
        new this.ort.Tensor('int64', BigInt64Array.from(features.ids, BigInt), [features.ids.length]),
        new this.ort.Tensor('float32', features.counts, [features.counts.length]),
      ]);
      if (t.known_features[0] === 0) throw new PlotInputError('none of the plot’s words is known to the model');
      textVector = new this.ort.Tensor('float32', t.text_vector, [1, t.text_vector.length]);
      out.text = GenreClassifier.head(t);
      out.evidence = (top) => plotEvidence(input.plot!, features, t.evidence, top);
      out.plotWords = features.words;
    }
    if (pixels && this.sessions.imageEncoder) {
      const [encoded] = Object.values(await this.run('imageEncoder', [new this.ort.Tensor('float32', pixels, imageTensorShape(image))]));
      const imageFeatures = new this.ort.Tensor('float32', encoded, [1, encoded.length]);
      if (this.sessions.imageHead) out.image = GenreClassifier.head(await this.run('imageHead', [imageFeatures]));
      if (textVector && this.sessions.fusionHead) out.fusion = GenreClassifier.head(await this.run('fusionHead', [textVector, imageFeatures]));
    }
    out.timings.modelMs = performance.now() - prepared;
    return out;
  }

  /**
   * Classify a plot and/or a decoded poster: the fusion head with both, else the one modality's head.
   * Never another head than that one: an input whose head is not loaded gets ModelUnavailableError.
   */
  async classify(input: ClassifierInput): Promise<Classification> {
    const given = input.plot !== undefined ? (input.image ? 'plotAndPoster' : 'plot') : input.image ? 'poster' : undefined;
    if (!given) throw new PlotInputError('send a plot, a poster, or both');
    this.assertAvailable(given);
    const heads = await this.heads(input);
    const answer = { plot: heads.text, poster: heads.image, plotAndPoster: heads.fusion }[given]!;
    const genres = rank(GENRES, answer.probs);
    return {
      genres,
      tmdbGenres: rank(TMDB_GENRES, answer.tmdbProbs),
      modalities: given === 'plotAndPoster' ? ['plot', 'poster'] : [given],
      ...(heads.evidence && { evidence: { plot: heads.evidence(GENRES.indexOf(genres[0].genre)) } }),
      ...(heads.plotWords && { plotWords: heads.plotWords }),
      timings: heads.timings,
    };
  }

  private assertAvailable(kind: AnswerKind): void {
    const missing = ANSWER_MODELS[kind].filter((key) => !this.sessions[key]);
    if (missing.length === 0) return;
    const answers = this.answers();
    const still = (Object.keys(answers) as AnswerKind[]).filter((k) => answers[k]).map((k) => ANSWER_NAMES[k]);
    throw new ModelUnavailableError(
      `cannot answer ${ANSWER_NAMES[kind]}: ${missing.map((key) => this.unavailable[key]).join('; ')}` +
        (still.length ? ` (${still.join(' and ')} can still be answered)` : ''),
    );
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}
