import type { RgbaImage } from './imageDecode';

/**
 * Turns a decoded JPEG upright by its EXIF orientation (2-8), as browsers display it: a phone photo is
 * stored sideways with a tag saying how to turn it, and the model should see what the user saw.
 * Hand-written: the decoders return the stored pixels, and no npm package turns a raw RGBA raster.
 */
export function applyOrientation(img: RgbaImage, orientation: number): RgbaImage {
  if (orientation < 2 || orientation > 8) return img;
  const { width: w, height: h, data } = img;
  const swap = orientation >= 5; // 5-8 turn by 90 degrees: width and height trade places
  const [ow, oh] = swap ? [h, w] : [w, h];
  // Where output pixel (x, y) comes from in the stored image (EXIF 2.3, tag 0x0112).
  const sources: Record<number, (x: number, y: number) => number> = {
    2: (x, y) => y * w + (w - 1 - x),
    3: (x, y) => (h - 1 - y) * w + (w - 1 - x),
    4: (x, y) => (h - 1 - y) * w + x,
    5: (x, y) => x * w + y,
    6: (x, y) => (h - 1 - x) * w + y,
    7: (x, y) => (h - 1 - x) * w + (w - 1 - y),
    8: (x, y) => x * w + (w - 1 - y),
  };
  const source = sources[orientation];
  const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
  const pixels = new Uint32Array(aligned.buffer, aligned.byteOffset, w * h);
  const out = new Uint32Array(ow * oh);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * ow + x] = pixels[source(x, y)];
  return { width: ow, height: oh, data: new Uint8Array(out.buffer) };
}
