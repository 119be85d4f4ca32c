// The standard workload as the page runs it: one session, built and warmed up once, then N
// windows one after another, so the logs (and the wasm memory) keep growing, as they do while
// the page plays. `run.cjs` (what `cargo xtask bench` times) builds a fresh session for every
// window instead, as the native criterion bench does, so the memory it grows for the first
// window is reused by the next and a cost of growing it is not seen there (BENCHMARKS.md,
// "Stop 40"). The native counterpart is `WINDOW_TIMES=1 cargo run --profile bench -p
// kafka-sim-bench --example window -- N`.
//
// usage: node session.cjs PATH/kafka_sim_bench.js [WINDOWS]
// prints one JSON object: {"setup_ms": …, "windows_ms": [...], "trace_hash": "…"}
'use strict';
const { performance } = require('node:perf_hooks');
const [, , modPath, windowsArg] = process.argv;
const bench = require(modPath);
const n = Number(windowsArg || 20);

const t0 = performance.now();
const b = new bench.WasmBench();
const setup_ms = performance.now() - t0;
const windows_ms = [];
for (let i = 0; i < n; i++) {
  const t = performance.now();
  b.run_window();
  windows_ms.push(performance.now() - t);
}
console.log(JSON.stringify({ setup_ms, windows_ms, trace_hash: b.trace_hash() }));
