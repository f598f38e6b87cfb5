import type { RgbaImage } from './imageDecode';
import { resizeRgb } from './imageResize';

/** How a decoded image becomes the image encoder's input; stored in the model manifest. */
export interface ImageParams {
  /** Square side the encoder expects. */
  size: number;
  /** `crop`: centre square crop then resize; `squash`: resize the whole image, ignoring aspect ratio. */
  fit: 'crop' | 'squash';
  /** Each channel value v in 0..255 becomes (v - mean) / scale. */
  mean: number;
  scale: number;
}

export const MOBILENET_IMAGE_PARAMS: ImageParams = { size: 224, fit: 'squash', mean: 128, scale: 128 };

/** Resize (and crop) an RGBA image to the encoder's NCHW float input, normalised as in training. */
export function imageToTensor(img: RgbaImage, params: ImageParams): Float32Array {
  const { size, fit, mean, scale } = params;
  const side = Math.min(img.width, img.height);
  const rect =
    fit === 'crop'
      ? { x: Math.floor((img.width - side) / 2), y: Math.floor((img.height - side) / 2), width: side, height: side }
      : { x: 0, y: 0, width: img.width, height: img.height };
  const rgb = resizeRgb(img, rect, size, size);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    out[p] = (rgb[p * 3] - mean) / scale;
    out[plane + p] = (rgb[p * 3 + 1] - mean) / scale;
    out[2 * plane + p] = (rgb[p * 3 + 2] - mean) / scale;
  }
  return out;
}
