// The measured window's timing, shared by both wasm hosts of `cargo xtask bench`
// (crates/bench/node/run.cjs in Node, crates/bench/browser/index.html in Chromium): each
// iteration builds and warms up a fresh standard session untimed, then times one window with
// performance.now(), as the native criterion bench defines an iteration.
//
// `bench` is the wasm-bindgen module of kafka-sim-bench (either target).
export function timeWindows(bench, iters) {
  const windows_ms = [];
  let records = 0;
  let trace_hash = '';
  for (let i = 0; i < iters; i++) {
    const b = new bench.WasmBench();
    const t0 = performance.now();
    records = b.run_window();
    windows_ms.push(performance.now() - t0);
    trace_hash = b.trace_hash();
    b.free();
  }
  return { windows_ms, records, trace_hash };
}
