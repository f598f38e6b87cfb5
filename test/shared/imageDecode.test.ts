import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import * as jpeg from 'jpeg-js';
import { initNodeImageDecoders } from '../../models/features/nodeImage';
import { PROJECT_ROOT, sharedPaths } from '../../models/paths';
import { POSTER_DECODE_LIMITS as WORKER_LIMITS } from '../../src/shared/limits';
import { decodeImage, DEFAULT_DECODE_LIMITS, jpegDecodeBytes } from '../../src/shared/imageDecode';
import { resizeRgb } from '../../src/shared/imageResize';
import { guardPng } from '../../src/shared/pngGuard';
import { gradient, ihdr, interlacedPng, pngClaiming, pngFile, pngInflatingTo, toBmp, toJpeg, toPng, type BmpLayout } from '../support/imageFixtures';

/** A greyscale PNG (colour type 0) at 1, 2 or 4 bits a pixel, from one grey level (0..2^depth-1) per pixel. */
function greyPng(levels: number[][], depth: number): Uint8Array {
  const height = levels.length;
  const width = levels[0].length;
  const rowBytes = Math.ceil((width * depth) / 8);
  const raw = new Uint8Array(height * (rowBytes + 1)); // each row: filter byte 0, then packed pixels
  levels.forEach((row, y) =>
    row.forEach((v, x) => {
      const bit = x * depth;
      raw[y * (rowBytes + 1) + 1 + (bit >> 3)] |= v << (8 - depth - (bit & 7));
    }),
  );
  return pngFile([['IHDR', ihdr(width, height, depth, 0)], ['IDAT', deflateSync(raw)], ['IEND', new Uint8Array(0)]]);
}

describe('shared image decoding', () => {
  describe("JPEG decoding budget, from the header: the same sum as jpeg-js's own count", () => {
    const sof = (bytes: Uint8Array) => {
      for (let pos = 2; ; pos += 2 + ((bytes[pos + 2] << 8) | bytes[pos + 3])) {
        if (bytes[pos + 1] >= 0xc0 && bytes[pos + 1] <= 0xc2) {
          const n = bytes[pos + 9];
          const sampling = Array.from({ length: n }, (_, c) => ({ h: bytes[pos + 11 + 3 * c] >> 4, v: bytes[pos + 11 + 3 * c] & 15 }));
          return { height: (bytes[pos + 5] << 8) | bytes[pos + 6], width: (bytes[pos + 7] << 8) | bytes[pos + 8], sampling };
        }
      }
    };
    // jpeg-js counts its tables too (a few KB): the header's sum is exact up to them.
    const decodesWithin = (bytes: Uint8Array, budget: number) => {
      try {
        jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: budget / 1024 / 1024 });
        return true;
      } catch (err) {
        if (String(err).includes('maxMemoryUsageInMB')) return false;
        throw err;
      }
    };

    it.each([
      ['4:4:4 (jpeg-js), 150 x 224', () => toJpeg(gradient(150, 224), 150, 224)],
      ['4:4:4 (jpeg-js), 333 x 500', () => toJpeg(gradient(333, 500), 333, 500)],
      ['4:2:0 (the data set), poster 100', () => new Uint8Array(readFileSync(join(sharedPaths().dataset, 'posters', '100.jpg')))],
    ])('%s', (_name, make) => {
      const bytes = make();
      const needed = jpegDecodeBytes(sof(bytes)!);
      expect(decodesWithin(bytes, needed - 1)).toBe(false);
      expect(decodesWithin(bytes, needed + 64 * 1024)).toBe(true);
    });

    it('refuses a JPEG over the budget from its header, before decoding a byte of its scan', async () => {
      const whole = toJpeg(gradient(800, 1200), 800, 1200);
      const needed = jpegDecodeBytes(sof(whole)!);
      // The header and the first bytes of the scan only: decoding would find it truncated.
      const header = whole.slice(0, 1200);
      await expect(decodeImage(header, { ...WORKER_LIMITS, maxJpegMemoryMB: (needed - 1) / 1024 / 1024 })).rejects.toMatchObject({ code: 'image_too_large' });
      await expect(decodeImage(header, { ...WORKER_LIMITS, maxJpegMemoryMB: (needed + 65536) / 1024 / 1024 })).rejects.toMatchObject({ code: 'invalid_image' });
    });
  });

  describe('BMP', () => {
    const [w, h] = [7, 5]; // 7 pixels: 24-bit rows need padding
    const pixels = gradient(w, h);

    it.each<[string, BmpLayout]>([
      ['24-bit, 40-byte header', { headerSize: 40, bitsPerPixel: 24 }],
      ['24-bit, V4 header', { headerSize: 108, bitsPerPixel: 24 }],
      ['24-bit, V5 header (GIMP; the shared ImageNet samples)', { headerSize: 124, bitsPerPixel: 24 }],
      ['24-bit, top-down rows', { headerSize: 124, bitsPerPixel: 24, topDown: true }],
      ['24-bit, a gap before the pixels', { headerSize: 40, bitsPerPixel: 24, gap: 10 }],
      ['32-bit, 40-byte header', { headerSize: 40, bitsPerPixel: 32 }],
      ['32-bit bit fields after a 40-byte header', { headerSize: 40, bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] }],
      ['32-bit bit fields in a V4 header, red in the low byte', { headerSize: 108, bitsPerPixel: 32, masks: [0xff, 0xff00, 0xff0000] }],
      ['32-bit bit fields in a V5 header, colours in the top bytes', { headerSize: 124, bitsPerPixel: 32, masks: [0xff000000, 0xff0000, 0xff00] }],
      ['8-bit palette', { headerSize: 40, bitsPerPixel: 8 }],
    ])('decodes a %s to its exact pixels', async (_name, layout) => {
      const img = await decodeImage(toBmp(pixels, w, h, layout), WORKER_LIMITS);
      expect([img.width, img.height]).toEqual([w, h]);
      expect(img.data).toEqual(pixels);
    });

    // Written by ImageMagick 6.9 from a 37x23 (38x23) crop of dataset poster 100.jpg, e.g.
    // `convert 100.jpg -crop 37x23+10+10 +repage -colors 16 bmp3:pal4.bmp` (pal1: `-colors 2 -type palette`,
    // rle8: `-colors 200 -compress RLE`), with the pixels Pillow 9.4 decodes them to in <name>.pillow.png.
    const fixture = (name: string) => new Uint8Array(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'bmp', name)));

    it.each(['pal4', 'pal4-even', 'pal1'])("decodes ImageMagick's %s.bmp to the pixels Pillow decodes", async (name) => {
      const img = await decodeImage(fixture(`${name}.bmp`), WORKER_LIMITS);
      const expected = decodePng(fixture(`${name}.pillow.png`));
      expect([img.width, img.height]).toEqual([expected.width, expected.height]);
      const rgb = Array.from({ length: img.width * img.height }, (_, p) => Array.from(img.data.subarray(p * 4, p * 4 + 3)));
      expect(rgb).toEqual(Array.from({ length: img.width * img.height }, (_, p) => Array.from(expected.data.subarray(p * 3, p * 3 + 3))));
    });

    it('refuses a run-length encoded BMP (RLE8 from ImageMagick, RLE4) with unsupported_image', async () => {
      await expect(decodeImage(fixture('rle8.bmp'), WORKER_LIMITS)).rejects.toMatchObject({ code: 'unsupported_image', message: expect.stringContaining('RLE') });
      const rle4 = fixture('pal4.bmp');
      new DataView(rle4.buffer).setUint32(30, 2, true); // BI_RLE4
      await expect(decodeImage(rle4, WORKER_LIMITS)).rejects.toMatchObject({ code: 'unsupported_image' });
    });

    it('decodes a 32-bit BMP followed by other bytes (an ICC profile, padding)', async () => {
      const bmp = toBmp(pixels, w, h, { headerSize: 124, bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] });
      const padded = new Uint8Array(bmp.length + 6);
      padded.set(bmp);
      expect((await decodeImage(padded, WORKER_LIMITS)).data).toEqual(pixels);
    });

    it('refuses a BMP whose pixel offset points into its header', async () => {
      const bmp = toBmp(pixels, w, h, { headerSize: 124, bitsPerPixel: 24 });
      new DataView(bmp.buffer).setUint32(10, 54, true); // where a 40-byte header would end
      await expect(decodeImage(bmp, WORKER_LIMITS)).rejects.toMatchObject({ code: 'invalid_image', message: expect.stringContaining('overlaps its header') });
    });
  });

  describe('WebP', () => {
    // Made with libwebp 1.2.4's tools (Debian's webp package) from a 37x23 crop of dataset poster 100.jpg
    // (crop.png; crop-alpha.png adds an alpha ramp, 0 at the left to 255 at the right):
    // `cwebp -q 75 crop.png -o lossy.webp`, `cwebp -q 75 -alpha_q 100 crop-alpha.png -o alpha.webp`,
    // `cwebp -lossless -exact crop-alpha.png -o lossless.webp`, and the reference decoder's pixels:
    // `dwebp <name>.webp -o <name>.dwebp.png`.
    const fixture = (name: string) => new Uint8Array(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'webp', name)));

    it.each(['lossy', 'alpha', 'lossless'])('decodes %s.webp to the pixels dwebp decodes', async (name) => {
      await initNodeImageDecoders();
      const img = await decodeImage(fixture(`${name}.webp`), WORKER_LIMITS);
      const expected = decodePng(fixture(`${name}.dwebp.png`));
      expect([img.width, img.height]).toEqual([expected.width, expected.height]);
      const channels = expected.channels ?? 4;
      // dwebp writes RGB for an image without alpha; the decoder gives RGBA with alpha 255 there.
      const rgba = Array.from({ length: img.width * img.height }, (_, p) => [...expected.data.subarray(p * channels, p * channels + channels), ...(channels === 3 ? [255] : [])]);
      expect(Array.from({ length: img.width * img.height }, (_, p) => Array.from(img.data.subarray(p * 4, p * 4 + 4)))).toEqual(rgba);
    });
  });

  it.each([1, 2, 4])('spreads %i-bit greyscale PNG pixels to 0-255', async (depth) => {
    const max = (1 << depth) - 1;
    // 11 columns: rows do not end on a byte boundary at 1 and 2 bits.
    const levels = Array.from({ length: 3 }, (_, y) => Array.from({ length: 11 }, (_, x) => (x + y) % (max + 1)));
    const img = await decodeImage(greyPng(levels, depth));
    expect([img.width, img.height]).toEqual([11, 3]);
    const grey = levels.flat().map((v) => Math.round((v * 255) / max));
    expect(Array.from({ length: 33 }, (_, p) => [img.data[p * 4], img.data[p * 4 + 1], img.data[p * 4 + 2], img.data[p * 4 + 3]])).toEqual(
      grey.map((g) => [g, g, g, 255]),
    );
  });

  it('refuses a PNG whose image data inflates far beyond its header, without inflating all of it', async () => {
    // 10 x 10 RGBA is 410 bytes of scanlines; this IDAT inflates to 64 MiB (fast-png alone decoded it).
    const bomb = pngInflatingTo(10, 10, 64 << 20);
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decodeImage(bomb, WORKER_LIMITS)).rejects.toMatchObject({ code: 'invalid_image', message: expect.stringContaining('inflates') });
  });

  it('refuses a PNG with a second IHDR, which the decoder would take over the one the size check read', async () => {
    const twoHeaders = pngFile([
      ['IHDR', ihdr(100, 100, 8, 6)],
      ['IHDR', ihdr(20_000, 20_000, 16, 6)],
      ['IDAT', deflateSync(new Uint8Array(16 << 20))],
      ['IEND', new Uint8Array(0)],
    ]);
    await expect(decodeImage(twoHeaders, WORKER_LIMITS)).rejects.toMatchObject({ code: 'invalid_image', message: expect.stringContaining('IHDR must be the first chunk') });
  });

  it('decodes a PNG with a huge compressed colour profile, ignoring the profile', async () => {
    const [w, h] = [6, 5];
    const plain = toPng(gradient(w, h), w, h);
    const iccp = Buffer.concat([Buffer.from('bomb\0\0', 'latin1'), deflateSync(new Uint8Array(64 << 20))]);
    // The profile goes right after IHDR (8-byte signature + 25-byte IHDR chunk), where the spec puts it.
    const withProfile = Buffer.concat([plain.subarray(0, 33), pngFile([['iCCP', iccp]]).subarray(8), plain.subarray(33)]);
    expect((await decodeImage(new Uint8Array(withProfile), WORKER_LIMITS)).data).toEqual((await decodeImage(plain)).data);
    // fast-png alone also decodes it, after inflating all 64 MiB: the guard drops the chunk unread.
    expect(Buffer.from(guardPng(new Uint8Array(withProfile))).includes('iCCP')).toBe(false);
  });

  it.each([
    [1, 1],
    [5, 3],
    [37, 23],
  ])('decodes an Adam7-interlaced %ix%i PNG to the same pixels as a plain one', async (w, h) => {
    const pixels = gradient(w, h);
    const img = await decodeImage(interlacedPng(pixels, w, h), WORKER_LIMITS);
    expect([img.width, img.height]).toEqual([w, h]);
    expect(img.data).toEqual(pixels);
  });

  // Six 16x16 blocks stored as [[a, b, c], [d, e, f]], and how each EXIF orientation displays them
  // (the tag's meaning, written out from the EXIF specification's figures).
  const upright: Record<number, string[][]> = {
    1: [['a', 'b', 'c'], ['d', 'e', 'f']],
    2: [['c', 'b', 'a'], ['f', 'e', 'd']],
    3: [['f', 'e', 'd'], ['c', 'b', 'a']],
    4: [['d', 'e', 'f'], ['a', 'b', 'c']],
    5: [['a', 'd'], ['b', 'e'], ['c', 'f']],
    6: [['d', 'a'], ['e', 'b'], ['f', 'c']],
    7: [['f', 'c'], ['e', 'b'], ['d', 'a']],
    8: [['c', 'f'], ['b', 'e'], ['a', 'd']],
  };
  it.each(Object.entries(upright))('turns a JPEG with EXIF orientation %s upright, as a browser shows it', async (orientation, blocks) => {
    const colours: Record<string, number[]> = { a: [230, 30, 30], b: [30, 230, 30], c: [30, 30, 230], d: [230, 230, 30], e: [30, 230, 230], f: [230, 30, 230] };
    const stored = [['a', 'b', 'c'], ['d', 'e', 'f']];
    const rgba = new Uint8Array(48 * 32 * 4);
    for (let p = 0; p < 48 * 32; p++) rgba.set([...colours[stored[Math.floor(p / 48 / 16)][Math.floor((p % 48) / 16)]], 255], p * 4);
    const img = await decodeImage(toJpeg(rgba, 48, 32, Number(orientation)));
    expect([img.width, img.height]).toEqual([blocks[0].length * 16, blocks.length * 16]);
    const centre = (bx: number, by: number) => Array.from(img.data.subarray(((by * 16 + 8) * img.width + bx * 16 + 8) * 4, ((by * 16 + 8) * img.width + bx * 16 + 8) * 4 + 3));
    blocks.forEach((row, by) => row.forEach((name, bx) => centre(bx, by).forEach((v, k) => expect(Math.abs(v - colours[name][k])).toBeLessThan(12))));
  });

  /** The JPEG with its frame header (SOF0) changed to another SOF marker and sample precision. */
  function withFrame(jpeg: Uint8Array, marker: number, precision: number): Uint8Array {
    const out = jpeg.slice();
    const sof = out.findIndex((b, i) => b === 0xff && out[i + 1] === 0xc0);
    out[sof + 1] = marker;
    out[sof + 4] = precision;
    return out;
  }
  const darkGrey = () => toJpeg(new Uint8Array(16 * 16 * 4).fill(30), 16, 16);

  it('refuses a 12-bit JPEG (SOF1, precision 12), which jpeg-js decoded as if 8-bit', async () => {
    // Still a valid JPEG: its coefficients fit 12 bits. A 12-bit decoder shows (30 + 1920) / 4095, 48% grey; jpeg-js showed 30/255.
    await expect(decodeImage(withFrame(darkGrey(), 0xc1, 12), WORKER_LIMITS)).rejects.toMatchObject({
      code: 'unsupported_image',
      message: expect.stringContaining('12-bit'),
    });
    expect((await decodeImage(withFrame(darkGrey(), 0xc1, 8), WORKER_LIMITS)).data[0]).toBeCloseTo(30, -1); // 8-bit SOF1 is fine
  });

  it('refuses a lossless JPEG (SOF3) as unsupported, not as corrupt', async () => {
    await expect(decodeImage(withFrame(darkGrey(), 0xc3, 8), WORKER_LIMITS)).rejects.toMatchObject({ code: 'unsupported_image', message: expect.stringContaining('SOF3') });
  });

  it('refuses a thin image by its longest side before decoding it', async () => {
    const thin = pngClaiming(8, 100_000); // 0.8 MP: within the pixel cap
    await expect(decodeImage(thin, WORKER_LIMITS)).rejects.toMatchObject({ code: 'image_too_large', message: expect.stringContaining('a side') });
  });

  it("refuses a JPEG over jpeg-js's memory budget with image_too_large, and decodes it with room", async () => {
    const big = toJpeg(gradient(1000, 1500), 1000, 1500); // 1.5 MP, 4:4:4: within the pixel cap, over the budget
    await expect(decodeImage(big, WORKER_LIMITS)).rejects.toMatchObject({ code: 'image_too_large', message: expect.stringContaining('MB') });
    expect((await decodeImage(big, DEFAULT_DECODE_LIMITS)).width).toBe(1000);
  });

  it('resizes a crop rectangle exactly as the same pixels cut out first', () => {
    const [w, h] = [40, 90];
    const img = { width: w, height: h, data: gradient(w, h) };
    const rect = { x: 5, y: 30, width: 30, height: 45 };
    const cut = new Uint8Array(rect.width * rect.height * 4);
    for (let y = 0; y < rect.height; y++) {
      cut.set(img.data.subarray(((rect.y + y) * w + rect.x) * 4, ((rect.y + y) * w + rect.x + rect.width) * 4), y * rect.width * 4);
    }
    const whole = { x: 0, y: 0, width: rect.width, height: rect.height };
    expect(resizeRgb(img, rect, 8, 12)).toEqual(resizeRgb({ width: rect.width, height: rect.height, data: cut }, whole, 8, 12));
  });
});
