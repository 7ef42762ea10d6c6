// The generator's wasm, compiled while the page is still loading. index.html runs this
// module on its own (async, from <head>), so compiling overlaps the fetch of the rest of
// the module graph instead of waiting for it; <irsa-generator> imports the same module
// and instantiates what it compiled. Resolves to undefined where streaming compilation
// fails (a server without the application/wasm type): the glue then fetches it itself.
export const compiled = WebAssembly.compileStreaming(fetch(new URL('./pkg/irsa_wasm_bg.wasm', import.meta.url)))
  .catch(() => undefined);
