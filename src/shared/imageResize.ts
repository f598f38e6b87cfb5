import type { RgbaImage } from './imageDecode';

/** A source rectangle, in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Taps {
  index: Int32Array;
  weight: Float32Array;
  width: number;
}

/**
 * Triangle-filter (bilinear) resampling taps for one axis, widened when downscaling so that large
 * uploads are averaged rather than aliased (the same idea as Pillow's antialiased bilinear).
 * Hand-written because no small decoder-agnostic resizer runs in both Node and workerd.
 */
function taps(start: number, length: number, out: number): Taps {
  const scale = length / out;
  const radius = Math.max(scale, 1);
  const width = Math.ceil(radius) * 2 + 1;
  const index = new Int32Array(out * width);
  const weight = new Float32Array(out * width);
  for (let i = 0; i < out; i++) {
    const centre = start + (i + 0.5) * scale;
    const lo = Math.floor(centre - radius);
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const x = lo + k;
      const w = Math.max(0, 1 - Math.abs((x + 0.5 - centre) / radius));
      index[i * width + k] = Math.min(Math.max(x, start), start + length - 1);
      weight[i * width + k] = w;
      sum += w;
    }
    for (let k = 0; k < width; k++) weight[i * width + k] /= sum;
  }
  return { index, weight, width };
}

/** How the resampled pixels are laid out: interleaved RGB bytes-as-floats, or normalised NCHW channel planes. */
export type PixelLayout = { planar: false } | { planar: true; mean: number; scale: number };

/**
 * Resample `rect` of an RGBA image to outWidth x outHeight, alpha composited over white. Interleaved:
 * RGB floats in 0..255 (unrounded, so the model input loses nothing). Planar: the encoder's input,
 * [3, outHeight, outWidth] with each value (v - mean) / scale, written in place rather than rearranged.
 */
export function resizeRgb(img: RgbaImage, rect: Rect, outWidth: number, outHeight: number, layout: PixelLayout = { planar: false }): Float32Array {
  const tx = taps(rect.x, rect.width, outWidth);
  const ty = taps(rect.y, rect.height, outHeight);

  // Only the rows of `rect`: a crop of a tall image must not allocate for the whole height.
  const rows = new Float32Array(rect.height * outWidth * 3);
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let i = 0; i < outWidth; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < tx.width; k++) {
        const wgt = tx.weight[i * tx.width + k];
        if (wgt === 0) continue;
        const p = (y * img.width + tx.index[i * tx.width + k]) * 4;
        const a = img.data[p + 3] / 255;
        r += wgt * (img.data[p] * a + 255 * (1 - a));
        g += wgt * (img.data[p + 1] * a + 255 * (1 - a));
        b += wgt * (img.data[p + 2] * a + 255 * (1 - a));
      }
      const o = ((y - rect.y) * outWidth + i) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }

  const plane = outWidth * outHeight;
  const [mean, scale] = layout.planar ? [layout.mean, layout.scale] : [0, 1];
  // Where channel c of pixel p goes: c * plane + p (planar) or p * 3 + c (interleaved).
  const [pixelStride, channelStride] = layout.planar ? [1, plane] : [3, 1];
  const out = new Float32Array(plane * 3);
  for (let j = 0; j < outHeight; j++) {
    for (let i = 0; i < outWidth; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ty.width; k++) {
        const wgt = ty.weight[j * ty.width + k];
        if (wgt === 0) continue;
        const o = ((ty.index[j * ty.width + k] - rect.y) * outWidth + i) * 3;
        r += wgt * rows[o];
        g += wgt * rows[o + 1];
        b += wgt * rows[o + 2];
      }
      const o = (j * outWidth + i) * pixelStride;
      out[o] = (r - mean) / scale;
      out[o + channelStride] = (g - mean) / scale;
      out[o + 2 * channelStride] = (b - mean) / scale;
    }
  }
  return out;
}
