// The wasm32 half of `cargo xtask bench`: load the wasm-bindgen (--target nodejs) build of
// kafka-sim-bench and time the standard workload's measured window with performance.now(),
// exactly as the native criterion bench defines one iteration (build + warm-up untimed).
//
// usage: node run.cjs PATH/kafka_sim_bench.js ITERATIONS
// prints one JSON object: {"windows_ms": [...], "records": N, "trace_hash": "…", "copy_ms": [...]}
'use strict';
const { performance } = require('node:perf_hooks');
const [, , modPath, itersArg, copyBytesArg] = process.argv;
const bench = require(modPath);
const iters = Number(itersArg || 5);
const copyBytes = Number(copyBytesArg || 0);
const windows = [];
let records = 0;
let hash = '';
for (let i = 0; i < iters; i++) {
  const b = new bench.WasmBench();
  const t0 = performance.now();
  records = b.run_window();
  const t1 = performance.now();
  windows.push(t1 - t0);
  hash = b.trace_hash();
  b.free();
}
const copies = [];
if (copyBytes > 0) {
  const c = new bench.CopyBench(copyBytes);
  c.run(3); // warm-up
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    c.run(10);
    copies.push((performance.now() - t0) / 10);
  }
  c.free();
}
console.log(JSON.stringify({ windows_ms: windows, records, trace_hash: hash, copy_ms: copies }));
