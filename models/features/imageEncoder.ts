import * as ort from 'onnxruntime-node';
import { decodeImage } from '../../src/shared/imageDecode';
import { imageTensorShape, imageToTensor, type ImageParams } from '../../src/shared/imageTensor';
import { SESSION_OPTIONS } from '../../src/shared/sessionOptions';
import { FEATURES_OUTPUT } from './featureEncoder';
import { initNodeImageDecoders } from './nodeImage';

/** Decoded and normalised poster, NCHW [3, height, width], through the same shared code as the Worker. */
export async function posterTensor(bytes: Uint8Array, params: ImageParams): Promise<Float32Array> {
  await initNodeImageDecoders();
  return imageToTensor(await decodeImage(bytes), params);
}

/** The pretrained MobileNetV2 (`pixel_values` -> `features` [N, 1280]) in onnxruntime-node. */
export class ImageEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly params: ImageParams,
  ) {}

  static async load(modelPath: string, params: ImageParams, threads = 1): Promise<ImageEncoder> {
    const session = await ort.InferenceSession.create(modelPath, { ...SESSION_OPTIONS, intraOpNumThreads: threads, interOpNumThreads: 1 });
    return new ImageEncoder(session, params);
  }

  /** Run the encoder on a batch of `posterTensor` outputs; returns one feature vector per input. */
  async run(tensors: Float32Array[], output = FEATURES_OUTPUT): Promise<Float32Array[]> {
    const [, channels, height, width] = imageTensorShape(this.params);
    const plane = channels * height * width;
    const batch = new Float32Array(tensors.length * plane);
    tensors.forEach((t, i) => batch.set(t, i * plane));
    const out = await this.session.run({ pixel_values: new ort.Tensor('float32', batch, [tensors.length, channels, height, width]) }, [output]);
    const data = out[output].data as Float32Array;
    const dim = data.length / tensors.length;
    return tensors.map((_, i) => data.slice(i * dim, (i + 1) * dim));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
