import { inflateSync } from 'node:zlib';
import { ImageInputError } from './imageError';

/**
 * The PNG header's size bounds the pixels but not the compressed data: fast-png inflates every IDAT
 * byte (and an iCCP profile) without a limit before it reads the rows the header asks for, so a
 * 260 KB file that says 100x100 can inflate to 256 MB. Hand-written because no PNG decoder on npm
 * takes an output limit: this walks the chunks, keeps only those the decoder needs, and inflates the
 * image data once with zlib's `maxOutputLength` (native in Node and in workerd's nodejs_compat), which
 * stops as soon as it outgrows what the header allows.
 */

const SIGNATURE_BYTES = 8;
/** Chunks the pixels depend on; the rest (iCCP, zTXt, iTXt, ...) are dropped before decoding. */
const KEPT = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
/**
 * Room beyond the non-interlaced size: Adam7 interlacing adds a filter byte and a partial byte per row of
 * each pass, at most about 11 KB at 8192 a side, and some encoders pad the stream. A bomb is far larger.
 */
const SLACK = 65_536;
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const corrupt = (why: string) => new ImageInputError('invalid_image', `poster png data is corrupt: ${why}`);

/** The PNG with only the chunks decoding needs, after checking its image data inflates within its header's size. */
export function guardPng(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, SIGNATURE_BYTES)];
  const data: Uint8Array[] = [];
  let limit = -1;
  for (let at = SIGNATURE_BYTES; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw corrupt('a chunk runs past the end of the file');
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    // The size check read the IHDR that must come first; another one (the decoder takes the last) would slip past it.
    if ((type === 'IHDR') !== (at === SIGNATURE_BYTES)) throw corrupt('IHDR must be the first chunk, and the only one');
    if (type === 'IHDR') {
      const [width, height, depth, colour] = [view.getUint32(at + 8), view.getUint32(at + 12), bytes[at + 16], bytes[at + 17]];
      if (!CHANNELS[colour]) throw corrupt(`unknown colour type ${colour}`);
      limit = height * (1 + Math.ceil((width * CHANNELS[colour] * depth) / 8)) + SLACK;
    }
    if (type === 'IDAT') data.push(bytes.subarray(at + 8, at + 8 + length));
    if (KEPT.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') break;
  }
  if (limit < 0) throw corrupt('no IHDR chunk');
  try {
    inflateSync(Buffer.concat(data), { maxOutputLength: limit });
  } catch (err) {
    // Over maxOutputLength: Node throws RangeError ERR_BUFFER_TOO_LARGE, workerd RangeError "Memory limit exceeded".
    throw corrupt(err instanceof RangeError ? 'its image data inflates to more than its width and height allow' : 'its image data does not inflate');
  }
  return Buffer.concat(kept);
}
