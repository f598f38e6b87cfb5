import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { imageSize } from 'image-size';
import * as jpeg from 'jpeg-js';
import writeFileAtomic from 'write-file-atomic';
import { decodeImage } from '../../../src/shared/imageDecode';
import { resizeRgb } from '../../../src/shared/imageResize';
import { initNodeImageDecoders } from '../../features/nodeImage';

/** Same JPEG quality as the shared dataset's posters. */
const JPEG_QUALITY = 80;

/** `DIR/posters/<tmdb_id>.jpg`, resized to a fixed height with the aspect ratio kept. */
export class PosterStore {
  private constructor(
    private readonly dir: string,
    private readonly height: number,
  ) {}

  static async open(outDir: string, height: number): Promise<PosterStore> {
    const dir = join(outDir, 'posters');
    await mkdir(dir, { recursive: true });
    // Resuming reuses the posters on disk, so a different height would leave the folder with two sizes.
    const earlier = (await readdir(dir)).find((name) => name.endsWith('.jpg'));
    if (earlier) {
      const found = imageSize(await readFile(join(dir, earlier))).height;
      if (found !== height) throw new Error(`the posters in ${dir} are ${found} px high: resume with --poster-height ${found}, or choose another --out`);
    }
    await initNodeImageDecoders();
    return new PosterStore(dir, height);
  }

  /** The manifest's `poster` column: relative to the dataset folder. */
  static relativePath(tmdbId: number): string {
    return `posters/${tmdbId}.jpg`;
  }

  /** A finished poster from an earlier run (write-file-atomic renames complete files into place, so none is half written). */
  async has(tmdbId: number): Promise<boolean> {
    try {
      return (await stat(this.path(tmdbId))).size > 0;
    } catch {
      return false;
    }
  }

  /** Decode, resize and store; a broken image throws ImageInputError and nothing is written. */
  async save(tmdbId: number, bytes: Uint8Array): Promise<void> {
    const img = await decodeImage(bytes);
    const width = Math.max(1, Math.round((img.width * this.height) / img.height));
    const rgb = resizeRgb(img, { x: 0, y: 0, width: img.width, height: img.height }, width, this.height);
    const rgba = new Uint8Array(width * this.height * 4);
    for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
      rgba[q] = clampByte(rgb[p]);
      rgba[q + 1] = clampByte(rgb[p + 1]);
      rgba[q + 2] = clampByte(rgb[p + 2]);
      rgba[q + 3] = 255;
    }
    const encoded = jpeg.encode({ data: rgba, width, height: this.height }, JPEG_QUALITY);
    await writeFileAtomic(this.path(tmdbId), encoded.data);
  }

  private path(tmdbId: number): string {
    return join(this.dir, `${tmdbId}.jpg`);
  }
}

const clampByte = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
