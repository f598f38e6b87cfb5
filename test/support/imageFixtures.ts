import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
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

/** A JPEG, optionally tagged with an EXIF orientation (1-8) as cameras and phones write it. */
export const toJpeg = (rgba: Uint8Array, width: number, height: number, orientation?: number) =>
  new Uint8Array(jpeg.encode({ data: rgba, width, height, exifBuffer: orientation ? exifOrientation(orientation) : undefined } as jpeg.RawImageData<Uint8Array>, 85).data);

/** An APP1 payload: "Exif", a big-endian TIFF header and one IFD entry, 0x0112 Orientation (SHORT). */
function exifOrientation(orientation: number): Uint8Array {
  return Uint8Array.from([
    ...Buffer.from('Exif\0\0', 'latin1'),
    ...[0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08], // "MM", 42, IFD0 at offset 8
    ...[0x00, 0x01], // one entry
    ...[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00],
    ...[0x00, 0x00, 0x00, 0x00], // no next IFD
  ]);
}

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

/**
 * A JPEG whose frame header claims `width` x `height` (its scan still holds the original's blocks): jpeg-js's
 * 4:4:4 output at a size whose decoding needs more than the Worker's JPEG budget, without the pixels.
 */
export function jpegClaiming(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice();
  for (let pos = 2; pos + 9 < out.length; pos += 2 + ((out[pos + 2] << 8) | out[pos + 3])) {
    if (out[pos + 1] !== 0xc0) continue;
    out.set([height >> 8, height & 255, width >> 8, width & 255], pos + 5);
    return out;
  }
  throw new Error('no SOF0 segment');
}

/** A PNG file from its chunks (type, data), with lengths and CRCs filled in. */
export function pngFile(chunks: [type: string, data: Uint8Array][]): Uint8Array {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = chunks.map(([type, data]) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  });
  return new Uint8Array(Buffer.concat([signature, ...parts]));
}

/** An IHDR chunk's data: colour type 0 grey, 2 RGB, 6 RGBA; interlace 1 is Adam7. */
export function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): Uint8Array {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([depth, colourType, 0, 0, interlace], 8);
  return data;
}

/**
 * An 8-bit RGBA image as an Adam7-interlaced PNG (no npm encoder writes one): the seven passes of the
 * PNG specification, each a sub-image of unfiltered rows. fast-png reading it back checks the layout.
 */
export function interlacedPng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    if (x0 >= width) continue;
    for (let y = y0; y < height; y += dy) {
      rows.push(0);
      for (let x = x0; x < width; x += dx) rows.push(...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));
    }
  }
  return pngFile([['IHDR', ihdr(width, height, 8, 6, 1)], ['IDAT', deflateSync(Uint8Array.from(rows))], ['IEND', new Uint8Array(0)]]);
}

/** A `width` x `height` RGBA PNG whose image data inflates to `bytes` zero bytes: a bomb the header does not show. */
export const pngInflatingTo = (width: number, height: number, bytes: number) =>
  pngFile([['IHDR', ihdr(width, height, 8, 6)], ['IDAT', deflateSync(new Uint8Array(bytes))], ['IEND', new Uint8Array(0)]]);

export interface BmpLayout {
  /** 40 (BITMAPINFOHEADER), 108 (V4) or 124 (V5), as different writers pick. */
  headerSize: 40 | 108 | 124;
  bitsPerPixel: 8 | 24 | 32;
  /** 32-bit only: BI_BITFIELDS with these R, G, B masks (after a 40-byte header, inside a longer one). */
  masks?: [number, number, number];
  topDown?: boolean;
  /** Bytes left unused between the header (and palette) and the pixels; the file's offset says so. */
  gap?: number;
}

/**
 * A BMP of an RGBA raster (alpha dropped). At 8 bits, the pixels must use at most 256 distinct colours,
 * which go into the palette. Hand-written: npm's BMP encoders write one fixed layout.
 */
export function toBmp(rgba: Uint8Array, width: number, height: number, layout: BmpLayout): Uint8Array {
  const { headerSize, bitsPerPixel, masks, topDown = false, gap = 0 } = layout;
  const key = (p: number) => (rgba[p * 4] << 16) | (rgba[p * 4 + 1] << 8) | rgba[p * 4 + 2];
  const palette = bitsPerPixel === 8 ? [...new Set(Array.from({ length: width * height }, (_, p) => key(p)))] : [];
  const maskBytes = masks && headerSize === 40 ? 12 : 0;
  const offset = 14 + headerSize + maskBytes + palette.length * 4 + gap;
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const file = Buffer.alloc(offset + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(offset, 10);
  file.writeUInt32LE(headerSize, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(topDown ? -height : height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bitsPerPixel, 28);
  file.writeUInt32LE(masks ? 3 : 0, 30);
  file.writeUInt32LE(stride * height, 34);
  file.writeUInt32LE(palette.length, 46);
  masks?.forEach((mask, i) => file.writeUInt32LE(mask, 54 + 4 * i));
  if (headerSize > 40) file.write('BGRs', 70, 'latin1'); // LCS_sRGB, as GIMP writes it
  palette.forEach((colour, i) => file.writeUInt32LE(colour, 14 + headerSize + maskBytes + 4 * i)); // B, G, R, 0
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (bitsPerPixel === 8) file[row + x] = palette.indexOf(key(p));
      else if (bitsPerPixel === 24) file.writeUIntLE(key(p), row + 3 * x, 3);
      else {
        const [r, g, b] = masks ?? [0xff0000, 0xff00, 0xff];
        const place = (value: number, mask: number) => value * (mask & -mask); // mask & -mask: its lowest bit
        file.writeUInt32LE((place(rgba[p * 4], r) + place(rgba[p * 4 + 1], g) + place(rgba[p * 4 + 2], b)) >>> 0, row + 4 * x);
      }
    }
  }
  return new Uint8Array(file);
}
