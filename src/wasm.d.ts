// wrangler bundles *.wasm imports as precompiled modules (workerd cannot compile WASM from bytes).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
