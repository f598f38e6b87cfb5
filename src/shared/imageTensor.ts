import type { RgbaImage } from './imageDecode';
import { resizeRgb } from './imageResize';

/** How a decoded image becomes the image encoder's input; stored in the model manifest. */
export interface ImageParams {
  /** Input height and width the encoder reads (MobileNetV2 is fully convolutional: any multiple of 32). */
  height: number;
  width: number;
  /** `crop`: centre crop to the input's aspect ratio, then resize; `squash`: resize the whole image, ignoring aspect ratio. */
  fit: 'crop' | 'squash';
  /** Each channel value v in 0..255 becomes (v - mean) / scale. */
  mean: number;
  scale: number;
}

/** The pretrained MobileNetV2's own input: 224 x 224, (v - 128) / 128. */
export const MOBILENET_IMAGE_PARAMS: ImageParams = { height: 224, width: 224, fit: 'squash', mean: 128, scale: 128 };

/** The encoder input's shape for one image, NCHW. */
export const imageTensorShape = (params: ImageParams): [number, number, number, number] => [1, 3, params.height, params.width];

/** Resize (and crop) an RGBA image to the encoder's NCHW float input [3, height, width], normalised as in training. */
export function imageToTensor(img: RgbaImage, params: ImageParams): Float32Array {
  const { height, width, fit, mean, scale } = params;
  let rect = { x: 0, y: 0, width: img.width, height: img.height };
  if (fit === 'crop') {
    // The largest centred rectangle of the input's aspect ratio.
    const cropWidth = Math.min(img.width, Math.round((img.height * width) / height));
    const cropHeight = Math.min(img.height, Math.round((img.width * height) / width));
    rect = { x: Math.floor((img.width - cropWidth) / 2), y: Math.floor((img.height - cropHeight) / 2), width: cropWidth, height: cropHeight };
  }
  return resizeRgb(img, rect, width, height, { planar: true, mean, scale });
}
