import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setWebpDecoderModule } from '../../src/shared/imageDecode';

let ready: Promise<void> | undefined;

/** Node side of the shared decoder: compile libwebp's WASM from its file (the Worker imports it instead). */
export function initNodeImageDecoders(): Promise<void> {
  ready ??= (async () => {
    const path = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
    await setWebpDecoderModule(new WebAssembly.Module(await readFile(path)));
  })();
  return ready;
}
