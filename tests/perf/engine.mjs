// The standard workload's window in headless Chromium (the page's browser), for
// `cargo xtask bench`: opens BENCH_URL (crates/bench/browser/index.html next to a
// `wasm-bindgen --target web` build of kafka-sim-bench, served by xtask), waits for it to time
// BENCH_ITERS windows, and prints what it measured as one JSON object:
// {"windows_ms": [...], "records": N, "trace_hash": "…"}.
import { launchBrowser } from '../e2e/browser.mjs';

const url = process.env.BENCH_URL;
if (!url) {
  console.error('BENCH_URL is not set');
  process.exit(2);
}
const iters = Number(process.env.BENCH_ITERS ?? 7);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${url}?iters=${iters}`);
  await page.waitForFunction(() => window.__bench, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.__bench);
  if (result.error) {
    console.error(`the benchmark page failed: ${result.error}`);
    process.exitCode = 1;
  } else {
    console.log(JSON.stringify(result));
  }
} finally {
  await browser.close();
}
