import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as jpeg from 'jpeg-js';
import { encode as encodePng } from 'fast-png';
import encodeWebp, { init as initWebpEncoder } from '@jsquash/webp/encode.js';

/** A small synthetic poster: a diagonal gradient, so resizing has something to average. */
export function gradient(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      data[p] = (x * 255) / width;
      data[p + 1] = (y * 255) / height;
      data[p + 2] = 128;
      data[p + 3] = 255;
    }
  }
  return data;
}

export const toJpeg = (rgba: Uint8Array, width: number, height: number) =>
  new Uint8Array(jpeg.encode({ data: rgba, width, height }, 85).data);

export const toPng = (rgba: Uint8Array, width: number, height: number) =>
  encodePng({ data: rgba, width, height, channels: 4, depth: 8 });

export async function toWebp(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const path = createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc.wasm');
  await initWebpEncoder(new WebAssembly.Module(await readFile(path)) as never);
  return new Uint8Array(await encodeWebp({ data: new Uint8ClampedArray(rgba), width, height, colorSpace: 'srgb' } as ImageData));
}

/** A PNG whose header claims `width` x `height` pixels: the decompression-bomb shape, without the pixels. */
export function pngClaiming(width: number, height = width): Uint8Array {
  const png = toPng(gradient(1, 1), 1, 1).slice();
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}
