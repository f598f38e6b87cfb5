import * as ort from 'onnxruntime-web/wasm';
import ortWasmModule from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import { SESSION_OPTIONS } from './shared/sessionOptions';

/**
 * workerd forbids compiling WebAssembly from bytes at run time, so the ORT .wasm is imported as a
 * precompiled module (wrangler bundles it) and handed to ORT through a marker: ORT passes
 * `env.wasm.wasmBinary` to `WebAssembly.instantiate`, and only that exact call is redirected to the
 * imported module. Every other instantiate call (other WASM in the isolate) is left untouched.
 */
const marker = new ArrayBuffer(8);
let configured = false;
let memory: WebAssembly.Memory | undefined;

function findMemory(instance: WebAssembly.Instance, imports?: WebAssembly.Imports): WebAssembly.Memory | undefined {
  const candidates = [...Object.values(instance.exports), ...Object.values(imports ?? {}).flatMap((m) => Object.values(m))];
  return candidates.find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
}

function configure(): void {
  if (configured) return;
  configured = true;
  const original = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  WebAssembly.instantiate = (async (source: unknown, imports?: WebAssembly.Imports) => {
    if (ArrayBuffer.isView(source) && source.buffer === marker) {
      const instance = (await original(ortWasmModule, imports)) as WebAssembly.Instance;
      memory = findMemory(instance, imports);
      return { instance, module: ortWasmModule };
    }
    return original(source, imports);
  }) as typeof WebAssembly.instantiate;
  ort.env.wasm.wasmBinary = marker;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

export async function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  configure();
  return ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS, executionProviders: ['wasm'] });
}

/** Bytes of the ORT WASM heap, for /health and the benchmark's memory figure. */
export function wasmHeapBytes(): number | undefined {
  return memory?.buffer.byteLength;
}

export { ort };
