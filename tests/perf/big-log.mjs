// A log of 10 million records in the page (issue 9, benchmark 3): is the page still
// responsive, and what happens when the simulation fills the page's memory?
//
//   cd tests && PLAYGROUND_URL=http://127.0.0.1:8099/ CHROMIUM=/usr/bin/chromium node perf/big-log.mjs
//
// Opens, as a shared link, one broker with one partition (RF 1) and a producer writing
// 1,000,000 records a second of 100-byte values (BIG_RATE), playing at 1×, and samples every
// 2 s: simulated clock, records acknowledged, the wasm memory's size. Once BIG_RECORDS records
// (default 10,000,000) are acknowledged, or the page pauses itself at its memory limit
// (crates/web/src/heap.rs), whichever comes first, it measures requestAnimationFrame intervals
// over 5 s with the page paused and viewing that log (p50/p95), and the time from a click on
// Play to the next painted frame. Then it reloads the page: the saved workspace replays to the
// same moment, a frame at a time after the first quarter second; it reports when the page was
// drawn, the progress it showed, frame times during the replay, when the replay finished, the
// restored clock and any page error.
// Prints one JSON document. Not part of the pass/fail suite (it needs about 2 GB of memory
// and a minute or two).
import { deflateRawSync } from 'node:zlib';
import { launchBrowser, baseUrl } from '../e2e/browser.mjs';

const RATE = Number(process.env.BIG_RATE ?? 1_000_000);
const RECORDS = Number(process.env.BIG_RECORDS ?? 10_000_000);
const MAX_REAL_S = Number(process.env.BIG_MAX_SECONDS ?? 180);

const scenario = {
  version: 1,
  name: 'A log of 10 million records',
  seed: 42,
  cluster: { brokers: 1 },
  topics: [{ name: 'log', partitions: 1, replication_factor: 1 }],
  producers: [{ id: 'p1', config: { acks: '1', 'linger.ms': '5', 'batch.size': '524288' } }],
  script: [{ at_ms: 0, do: 'start_workload', producer: 'p1', topic: 'log', rate_per_sec: RATE, keys: 10000, value_bytes: 100 }],
};
const link = { v: 1, scenario, seed: 42, steps: [], now: 0, view: { speed: 1, playing: true } };
const fragment = deflateRawSync(Buffer.from(JSON.stringify(link)), { level: 9 }).toString('base64url');

/** Keeps the app's wasm memory reachable as `window.__wasmMemory` (its size in MiB is sampled). */
function memoryProbe() {
  const keep = (r) => {
    const i = r.instance ?? r;
    if (i?.exports?.memory) window.__wasmMemory = i.exports.memory;
    return r;
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (...a) => keep(await streaming(...a));
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = async (...a) => keep(await plain(...a));
}

const sample = (page) =>
  page.evaluate(() => {
    const num = (sel) => Number((document.querySelector(sel)?.textContent ?? '').replace(/[^\d]/g, '')) || 0;
    return {
      clock: Number(document.getElementById('clock')?.textContent?.match(/[\d.]+/)?.[0] ?? NaN),
      acked: num('[data-testid="ledger-acked"]'),
      wasmMiB: Math.round((window.__wasmMemory?.buffer.byteLength ?? 0) / 2 ** 20),
      playing: document.querySelector('#play-toggle')?.getAttribute('aria-pressed') === 'true',
      limitMessage: document.querySelector('[data-testid="error-play-toggle"]')?.textContent ?? null,
    };
  });

const frames = (page, ms) =>
  page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const xs = [];
        let last = performance.now();
        const end = last + ms;
        const f = (t) => {
          xs.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(f);
          else resolve(xs.slice(1));
        };
        requestAnimationFrame(f);
      }),
    ms,
  );
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
};

const browser = await launchBrowser();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const errors = [];
const out = { date: new Date().toISOString(), url: baseUrl(), ratePerSec: RATE, targetRecords: RECORDS, samples: [] };
try {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('crash', () => errors.push('renderer crashed'));
  await page.addInitScript(memoryProbe);
  await page.goto(new URL(`#s=${fragment}`, baseUrl()).href, { waitUntil: 'load' });
  await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 60_000 });
  const t0 = Date.now();
  let s = await sample(page);
  while (s.playing && s.acked < RECORDS && Date.now() - t0 < MAX_REAL_S * 1000 && !errors.length) {
    await page.waitForTimeout(2000);
    s = await sample(page);
    out.samples.push({ realS: Math.round((Date.now() - t0) / 1000), ...s, limitMessage: undefined });
  }
  out.reached = { realS: Math.round((Date.now() - t0) / 1000), ...s, pausedByMemoryLimit: !s.playing && !!s.limitMessage };
  if (s.playing) await page.click('#play-toggle');
  await page.waitForTimeout(500);
  const f = await frames(page, 5000);
  out.viewingPaused = { frames: f.length, p50Ms: pct(f, 50), p95Ms: pct(f, 95), maxMs: pct(f, 100) };
  // A click's round trip while this log is on screen: Play clicked, then two animation frames
  // (the app handles the click, renders, and the browser paints).
  out.clickToPaintMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const t0 = performance.now();
        document.querySelector('#play-toggle').click();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(Math.round(performance.now() - t0))));
      }),
  );
  if ((await sample(page)).playing) await page.click('#play-toggle');
  await page.waitForTimeout(2500); // the workspace is saved on pause
  // Reload: the saved workspace replays to the same moment (stopping at the memory limit).
  // The page draws after at most a quarter second of it, and shows its progress until done.
  const r0 = Date.now();
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 120_000 });
  const drawnMs = Date.now() - r0;
  const progress = await page.evaluate(() => document.querySelector('[data-testid="restoring"]')?.textContent ?? null);
  const during = await frames(page, 2000);
  await page.waitForFunction(() => !document.querySelector('[data-testid="restoring"]'), null, { timeout: 300_000, polling: 250 });
  out.reload = {
    drawnMs,
    restoredMs: Date.now() - r0,
    progressShown: progress,
    framesWhileReplaying: { p50Ms: pct(during, 50), p95Ms: pct(during, 95) },
    ...(await sample(page)),
  };
} finally {
  out.errors = errors;
  await browser.close();
}
console.log(JSON.stringify(out, null, 2));
