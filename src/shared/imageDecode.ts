import { imageSize } from 'image-size';
import * as jpeg from 'jpeg-js';
import { decode as decodePng, convertIndexedToRgb } from 'fast-png';
import { decode as decodeBmp } from 'bmpimagejs';
import decodeWebp, { init as initWebp } from '@jsquash/webp/decode.js';
import { ImageInputError } from './imageError';
import { applyOrientation } from './imageOrientation';
import { guardPng } from './pngGuard';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp';
export const SUPPORTED_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'bmp'];

/** An 8-bit RGBA raster. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeLimits {
  /** Largest width x height accepted; checked from the header before any pixel is decoded. */
  maxPixels: number;
  /** Longest side accepted: a thin image within maxPixels (8 x 1,000,000) would still make resizing crawl. */
  maxSide: number;
  /** What jpeg-js may allocate for one JPEG, by its own count (the process peak is two to three times that). */
  maxJpegMemoryMB: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 12_000_000, maxSide: 8_192, maxJpegMemoryMB: 512 };

/** Whether a width x height is over the pixel or side limit (known from a header, or from Discord). */
export const overPixelLimits = (width: number, height: number, limits: Pick<DecodeLimits, 'maxPixels' | 'maxSide'>): boolean =>
  width * height > limits.maxPixels || Math.max(width, height) > limits.maxSide;

function startsWith(bytes: Uint8Array, sig: number[], offset = 0): boolean {
  return bytes.length >= offset + sig.length && sig.every((b, i) => bytes[offset + i] === b);
}

/** Format from the magic bytes, never from a file name or a client's content type. */
function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(bytes, [0x42, 0x4d])) return 'bmp';
  return undefined;
}

interface JpegFrame {
  marker: number;
  precision: number;
  height: number;
  width: number;
  /** Horizontal and vertical sampling factors of each component. */
  sampling: { h: number; v: number }[];
}

/** A JPEG's frame header (SOFn marker, precision, size, components), found by walking the marker segments before it. */
function jpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  for (let pos = 2; pos + 4 < bytes.length; ) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC); a scan or the end before a frame leaves it to the decoder.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const at = (i: number) => bytes[pos + i] ?? 0;
      const sampling = Array.from({ length: at(9) }, (_, c) => ({ h: at(11 + 3 * c) >> 4, v: at(11 + 3 * c) & 15 }));
      return { marker, precision: at(4), height: (at(5) << 8) | at(6), width: (at(7) << 8) | at(8), sampling };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    pos += 2 + ((bytes[pos + 2] << 8) | bytes[pos + 3]);
  }
  return undefined;
}

/**
 * The bytes jpeg-js counts against `maxMemoryUsageInMB` for a frame, from its header: an Int32Array of 64 per
 * 8x8 block of each component, each component's plane, the planes interleaved, the RGBA output. jpeg-js
 * counts them as it goes and passes its limit only after the whole entropy-coded data is decoded (0.3 s for
 * a 1.5-megapixel 4:4:4 JPEG), so the same sum is made here first. Hand-written: jpeg-js has no dry run.
 */
export function jpegDecodeBytes({ width, height, sampling }: Pick<JpegFrame, 'width' | 'height' | 'sampling'>): number {
  const maxH = Math.max(1, ...sampling.map((c) => c.h));
  const maxV = Math.max(1, ...sampling.map((c) => c.v));
  const mcusPerLine = Math.ceil(width / 8 / maxH);
  const mcusPerColumn = Math.ceil(height / 8 / maxV);
  let total = width * height * (4 + sampling.length);
  for (const { h, v } of sampling) {
    total += mcusPerColumn * v * mcusPerLine * h * 256;
    total += Math.ceil((Math.ceil(width / 8) * h) / maxH) * 8 * Math.ceil((Math.ceil(height / 8) * v) / maxV) * 8;
  }
  return total;
}

/**
 * jpeg-js decodes 8-bit Huffman-coded sequential and progressive JPEGs (SOF0-SOF2). It reads any other
 * precision as 8-bit (a 12-bit grey comes out black or white) and fails on other frame types as if corrupt.
 */
function checkJpegFrame(bytes: Uint8Array): void {
  const frame = jpegFrame(bytes);
  if (!frame || (frame.marker <= 0xc2 && frame.precision === 8)) return;
  const kind = frame.precision !== 8 ? `${frame.precision}-bit` : `SOF${frame.marker - 0xc0} (lossless, hierarchical or arithmetic-coded)`;
  throw new ImageInputError('unsupported_image', `poster is a ${kind} JPEG, which is not supported; send an 8-bit baseline or progressive JPEG, or PNG or WebP`);
}

/** Width and height from the header alone (the decompression-bomb check), and a JPEG's EXIF orientation. */
export function probeImage(bytes: Uint8Array): { format: ImageFormat; width: number; height: number; orientation?: number } {
  if (bytes.length === 0) throw new ImageInputError('invalid_image', 'poster is empty (0 bytes)');
  const format = sniffFormat(bytes);
  if (!format) {
    throw new ImageInputError('unsupported_image', `poster is not a supported image; send one of: ${SUPPORTED_FORMATS.join(', ')}`);
  }
  if (format === 'jpeg') checkJpegFrame(bytes);
  let size;
  try {
    size = imageSize(bytes);
  } catch {
    throw new ImageInputError('invalid_image', `poster looks like ${format} but its header cannot be read`);
  }
  const { width, height, orientation } = size;
  if (!width || !height) throw new ImageInputError('invalid_image', `poster ${format} header has no dimensions`);
  return { format, width, height, orientation };
}

let webpModule: WebAssembly.Module | undefined;
let webpReady: Promise<unknown> | undefined;

/**
 * WebP decoding runs libwebp as WASM. Workers cannot compile WASM from bytes at run time, so the
 * host hands over a precompiled module: the Worker imports the .wasm, Node compiles the file. It is
 * instantiated at the first WebP, not before: its heap (16 MiB, 22.4 MiB after a 2-megapixel WebP) then
 * stays for the isolate's life, so an isolate that never sees a WebP never pays for it.
 */
export async function setWebpDecoderModule(module: WebAssembly.Module): Promise<void> {
  webpModule = module;
  webpReady = undefined;
}

/**
 * fast-png leaves 1-, 2- and 4-bit greyscale rows packed (byte-aligned rows, high bits first); spread
 * them to one 0-255 byte a pixel. Hand-written: fast-png only unpacks such depths for palette images.
 */
function unpackGrey(data: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const value = (data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((value * 255) / max);
    }
  }
  return out;
}

function rgbaFromPng(bytes: Uint8Array): RgbaImage {
  const png = decodePng(guardPng(bytes));
  const { width, height } = png;
  const packed = !png.palette && png.depth < 8;
  const src = png.palette ? convertIndexedToRgb(png) : packed ? unpackGrey(png.data as Uint8Array, width, height, png.depth) : png.data;
  const channels = png.palette ? src.length / (width * height) : png.channels;
  const shift = png.depth === 16 && !png.palette ? 8 : 0;
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const gray = channels < 3;
    out[p * 4] = src[s] >> shift;
    out[p * 4 + 1] = src[gray ? s : s + 1] >> shift;
    out[p * 4 + 2] = src[gray ? s : s + 2] >> shift;
    out[p * 4 + 3] = channels === 2 || channels === 4 ? src[s + channels - 1] >> shift : 255;
  }
  return { width, height, data: out };
}

/** Where a BMP's pixels can start: after the file header, the info header, any colour masks that follow a 40-byte header, and the palette. */
function bmpHeadersEnd(view: DataView): number {
  const headerSize = view.getUint32(14, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colors = view.getUint32(46, true);
  // BI_BITFIELDS (3) and BI_ALPHA_BITFIELDS (6) put 3 or 4 masks there; longer headers hold them inside.
  const masks = headerSize !== 40 ? 0 : compression === 3 ? 12 : compression === 6 ? 16 : 0;
  const palette = bitsPerPixel <= 8 || colors > 0 ? (colors || 1 << bitsPerPixel) * 4 : 0;
  return 14 + headerSize + masks + palette;
}

function rgbaFromBmp(bytes: Uint8Array): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // bmpimagejs (a port of NetSurf's libnsbmp) rejects ImageMagick's RLE files (an end-of-line code after the last row).
  const compression = view.getUint32(30, true);
  if (compression === 1 || compression === 2) {
    throw new ImageInputError('unsupported_image', 'poster is a run-length encoded (RLE) BMP, which is not supported; send an uncompressed BMP, or JPEG, PNG or WebP');
  }
  const offset = view.getUint32(10, true);
  if (offset < bmpHeadersEnd(view)) throw new ImageInputError('invalid_image', `poster bmp pixel data (at byte ${offset}) overlaps its header`);
  // It places 32-bit rows counting from the end of the buffer, so bytes after the pixels (an ICC profile, padding) made it fail.
  const rowBytes = Math.ceil((view.getInt32(18, true) * view.getUint16(28, true)) / 32) * 4;
  const pixelsEnd = offset + rowBytes * Math.abs(view.getInt32(22, true));
  const img = decodeBmp(bytes.slice(0, pixelsEnd).buffer);
  const data = new Uint8Array(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength);
  // Opaque: many writers leave a BMP's alpha bytes at 0 in an opaque picture, and a poster is opaque.
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: img.width, height: img.height, data };
}

async function decodeFormat(format: ImageFormat, bytes: Uint8Array, limits: DecodeLimits): Promise<RgbaImage> {
  switch (format) {
    case 'jpeg': {
      const img = jpeg.decode(wholeBuffer(bytes), {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: limits.maxPixels / 1e6,
        maxMemoryUsageInMB: limits.maxJpegMemoryMB,
      });
      return { width: img.width, height: img.height, data: img.data };
    }
    case 'png':
      return rgbaFromPng(bytes);
    case 'bmp':
      return rgbaFromBmp(bytes);
    case 'webp': {
      webpReady ??= initWebp(webpModule);
      await webpReady;
      const img = await decodeWebp(wholeBuffer(bytes));
      return { width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    }
  }
}

const jpegTooLarge = (width: number, height: number, limits: DecodeLimits) =>
  new ImageInputError('image_too_large', `poster is ${width}x${height}: too large a JPEG to decode within ${limits.maxJpegMemoryMB} MB; send a smaller image`);

/**
 * The bytes' own ArrayBuffer when they fill it, else a copy: decoders that take an ArrayBuffer (or copy
 * whatever view they get, as jpeg-js does) then read a poster without a second copy of it.
 */
const wholeBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;

/** Decode JPEG, PNG, WebP or BMP bytes to upright RGBA, refusing oversized images before decoding them. */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<RgbaImage> {
  const { format, width, height, orientation } = probeImage(bytes);
  if (overPixelLimits(width, height, limits)) {
    throw new ImageInputError(
      'image_too_large',
      `poster is ${width}x${height} (${width * height} pixels); the limits are ${limits.maxPixels} pixels and ${limits.maxSide} pixels a side`,
    );
  }
  const frame = format === 'jpeg' ? jpegFrame(bytes) : undefined;
  if (frame && jpegDecodeBytes(frame) > limits.maxJpegMemoryMB * 1024 * 1024) throw jpegTooLarge(width, height, limits);
  // A missing decoder is the host's bug, not the client's: keep it out of the 4xx path below.
  if (format === 'webp' && !webpModule) throw new Error('WebP decoder not initialised: call setWebpDecoderModule first');
  let img: RgbaImage;
  try {
    img = await decodeFormat(format, bytes, limits);
  } catch (err) {
    if (err instanceof ImageInputError) throw err;
    // jpeg-js counts what it allocates; its full-resolution coefficient buffers make large JPEGs costly.
    if (String(err).includes('maxMemoryUsageInMB')) throw jpegTooLarge(width, height, limits);
    throw new ImageInputError('invalid_image', `poster ${format} data is truncated or corrupt`);
  }
  if (img.width !== width || img.height !== height || img.data.length < width * height * 4) {
    throw new ImageInputError('invalid_image', `poster ${format} data does not match its header`);
  }
  return orientation ? applyOrientation(img, orientation) : img;
}
