// The wasm32 half of `cargo xtask bench`: load the wasm-bindgen (--target nodejs) build of
// kafka-sim-bench and time the standard workload's measured window (`../windows.mjs`, which
// the Chromium harness shares), then the memory-bandwidth baseline.
//
// usage: node run.cjs PATH/kafka_sim_bench.js ITERATIONS [COPY_BYTES]
// prints one JSON object: {"windows_ms": [...], "records": N, "trace_hash": "…", "copy_ms": [...]}
'use strict';
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');
const [, , modPath, itersArg, copyBytesArg] = process.argv;
const bench = require(modPath);
const iters = Number(itersArg || 5);
const copyBytes = Number(copyBytesArg || 0);

(async () => {
  const { timeWindows } = await import(pathToFileURL(join(__dirname, '..', 'windows.mjs')).href);
  const result = timeWindows(bench, iters);
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
  console.log(JSON.stringify({ ...result, copy_ms: copies }));
})();
