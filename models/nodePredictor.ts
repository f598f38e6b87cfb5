import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../src/shared/imageDecode';
import { imageToTensor } from '../src/shared/imageTensor';
import type { ModelKey, ModelManifest } from '../src/shared/modelManifest';
import { SESSION_OPTIONS } from '../src/shared/sessionOptions';
import { TextTokenizer } from '../src/shared/textTokens';
import { sha256 } from './hashing';
import { ARTIFACTS_DIR, modelFileObjects, readManifest } from './modelFiles';
import { initNodeImageDecoders } from './nodeImage';

export interface PredictorInput {
  plot?: string;
  poster?: Uint8Array;
}

/** Probabilities in GENRES order from every head that the input allows. */
export interface HeadProbabilities {
  text?: number[];
  image?: number[];
  fusion?: number[];
}

const MODEL_KEYS: ModelKey[] = ['textEncoder', 'imageEncoder', 'textHead', 'imageHead', 'fusionHead'];

/**
 * The Worker's inference path in Node (onnxruntime-node): the same manifest, shared preprocessing and
 * ONNX files, one input at a time. Offline evaluation, tests and the benchmark's native reference use it.
 */
export class NodePredictor {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly tokenizer: TextTokenizer,
    private readonly sessions: Record<ModelKey, ort.InferenceSession>,
  ) {}

  /** Load from an artifacts folder; every file is checked against the manifest's sha256. */
  static async load(options: { artifactsDir?: string; threads?: number } = {}): Promise<NodePredictor> {
    const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
    const manifest = await readManifest(artifactsDir);
    const paths = new Map((await modelFileObjects(artifactsDir)).map((o) => [o.file, o.path]));
    const read = async (entry: { file: string; sha256: string }) => {
      const bytes = await readFile(paths.get(entry.file)!);
      if (sha256(bytes) !== entry.sha256) throw new Error(`${entry.file} does not match manifest.json (sha256)`);
      return bytes;
    };
    const json = async (entry: { file: string; sha256: string }) => JSON.parse((await read(entry)).toString('utf8'));
    const tokenizer = new TextTokenizer(await json(manifest.text.tokenizer), await json(manifest.text.tokenizerConfig), manifest.text);
    const sessionOptions = { ...SESSION_OPTIONS, intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 };
    const sessions = {} as Record<ModelKey, ort.InferenceSession>;
    for (const key of MODEL_KEYS) sessions[key] = await ort.InferenceSession.create(await read(manifest.models[key]), sessionOptions);
    await initNodeImageDecoders();
    return new NodePredictor(manifest, tokenizer, sessions);
  }

  private async run(key: ModelKey, inputs: ort.Tensor[]): Promise<Float32Array> {
    const { inputs: names, outputs } = this.manifest.models[key];
    const out = await this.sessions[key].run(Object.fromEntries(names.map((n, i) => [n, inputs[i]])));
    return out[outputs[0]].data as Float32Array;
  }

  /** Text vector of a plot, or undefined when it has no tokens. */
  async textVector(plot: string): Promise<ort.Tensor | undefined> {
    const { ids } = this.tokenizer.encode(plot);
    if (ids.length === 0) return undefined;
    const vector = await this.run('textEncoder', [new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length])]);
    return new ort.Tensor('float32', vector, [1, this.manifest.text.dim]);
  }

  /** MobileNetV2 features of a poster; throws ImageInputError for undecodable bytes. */
  async imageFeatures(poster: Uint8Array): Promise<ort.Tensor> {
    const { image } = this.manifest;
    const pixels = imageToTensor(await decodeImage(poster), image);
    const features = await this.run('imageEncoder', [new ort.Tensor('float32', pixels, [1, 3, image.size, image.size])]);
    return new ort.Tensor('float32', features, [1, image.dim]);
  }

  async predict(input: PredictorInput): Promise<HeadProbabilities> {
    const text = input.plot !== undefined ? await this.textVector(input.plot) : undefined;
    const image = input.poster !== undefined ? await this.imageFeatures(input.poster) : undefined;
    const out: HeadProbabilities = {};
    if (text) out.text = [...(await this.run('textHead', [text]))];
    if (image) out.image = [...(await this.run('imageHead', [image]))];
    if (text && image) out.fusion = [...(await this.run('fusionHead', [text, image]))];
    return out;
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}
