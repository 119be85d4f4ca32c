// Page performance (issue 9): time to first drawn cluster, and frame times at scale.
//
//   cd tests && PLAYGROUND_URL=http://127.0.0.1:8099/ CHROMIUM=/usr/bin/chromium node perf/page.mjs [--profile]
//
// (a) First draw: navigation → first `[data-testid=broker]` and `[data-testid=partition]`
//     visible, the default scenario, LOADS fresh loads (new context each: no cache, no
//     localStorage); reports each and the median. Times are `performance.now()` in the page,
//     i.e. from the navigation's time origin.
// (b) Scale: `?scenario=scale` (static/scenarios/scale.json: 12 brokers, 100 partitions × RF 3,
//     8 groups, 10,000 records/s) at 1× (PERF_SPEED); requestAnimationFrame intervals over
//     SECONDS s after a warm-up (PERF_WARMUP_MS, default 1000; the groups join after 3 s of
//     simulated time, so 15000 measures them all consuming): p50/p95/p99/max, frames, long tasks
//     (PerformanceObserver 'longtask'), main-thread work per frame (CDP Performance metrics:
//     busy, script, layout, style), and how much simulated time passed (the page may fall behind
//     real time when a frame is too slow).
// --profile also records a CPU profile of the scale run with CDP (Profiler domain), writes it to
//     tests/artifacts/scale.cpuprofile (open it in Chromium's DevTools) and prints the functions
//     with the most self time.
// Prints one JSON document. Not part of the pass/fail suite.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { launchBrowser, baseUrl, ARTIFACTS_DIR, REPO_ROOT } from '../e2e/browser.mjs';

const LOADS = Number(process.env.PERF_LOADS ?? 5);
const SECONDS = Number(process.env.PERF_SECONDS ?? 10);
const PROFILE = process.argv.includes('--profile');
const SCENARIO = process.env.PERF_SCENARIO ?? 'scale';
// PERF_VIA_LINK=1 opens the scenario file as a shared link (#s=…) instead of `?scenario=`, for
// builds that predate the preset.
const VIA_LINK = Boolean(process.env.PERF_VIA_LINK);
// PERF_SPEED (default 1) sets the page's speed before measuring: at 0.1× the engine does little
// per frame while every frame still re-renders, which separates the page's cost from the engine's.
const SPEED = process.env.PERF_SPEED ?? '1';
// Real milliseconds the page runs before the measured window (the scale preset's eight groups
// join after 3 s of simulated time and catch up in the seconds after).
const WARMUP_MS = Number(process.env.PERF_WARMUP_MS ?? 1000);

function scaleUrl() {
  if (!VIA_LINK) return new URL(`?scenario=${SCENARIO}`, baseUrl()).href;
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, 'static/scenarios', `${SCENARIO}.json`), 'utf8'));
  const state = { v: 1, scenario, seed: scenario.seed ?? 0, steps: [], now: 0, view: { speed: 1, playing: true } };
  const data = deflateRawSync(Buffer.from(JSON.stringify(state)), { level: 9 }).toString('base64url');
  return new URL(`#s=${data}`, baseUrl()).href;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;

/** Installed before any page script: notes when a broker and a partition are first visible. */
function firstDrawProbe() {
  const visible = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const check = () => {
    if (window.__firstDraw) return;
    if (visible('[data-testid="broker"]') && visible('[data-testid="partition"]')) {
      window.__firstDraw = performance.now();
      obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  document.addEventListener('DOMContentLoaded', () => {
    obs.observe(document.documentElement, { childList: true, subtree: true });
    check();
  });
}

async function firstDraw(browser) {
  const runs = [];
  for (let i = 0; i < LOADS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.addInitScript(firstDrawProbe);
    await page.goto(baseUrl(), { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__firstDraw, null, { timeout: 30_000 });
    const t = await page.evaluate(() => ({
      firstDraw: window.__firstDraw,
      domContentLoaded: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
    }));
    runs.push({ firstDrawMs: r1(t.firstDraw), domContentLoadedMs: t.domContentLoaded && r1(t.domContentLoaded) });
    await ctx.close();
  }
  return { loads: runs.length, medianMs: r1(median(runs.map((r) => r.firstDrawMs))), runs };
}

async function scale(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch { /* no long task API */ }
  });
  await page.goto(scaleUrl(), { waitUntil: 'load' });
  await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 60_000 });
  const dom = await page.evaluate(() => ({
    brokers: document.querySelectorAll('[data-testid="broker"]').length,
    partitions: document.querySelectorAll('[data-testid="partition"]').length,
    records: document.querySelectorAll('[data-testid="record"]').length,
    elements: document.getElementsByTagName('*').length,
  }));
  if (SPEED !== '1') await page.selectOption('#speed', SPEED);
  await page.waitForTimeout(WARMUP_MS);
  // Main-thread time (CDP `Performance` metrics, seconds) over the measured window: a frame's
  // work in ms, which the vsync-quantised intervals below hide.
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  const before = await metrics();
  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const m = await page.evaluate(async (seconds) => {
    const clock = () => {
      const m = document.getElementById('clock')?.textContent?.match(/[\d.]+/);
      return m ? Number(m[0]) : NaN;
    };
    const sim0 = clock();
    const lt0 = window.__longTasks.length;
    const frames = [];
    const start = performance.now();
    let last = start;
    await new Promise((resolve) => {
      const tick = (t) => {
        frames.push(t - last);
        last = t;
        if (t - start < seconds * 1000) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    const real = (performance.now() - start) / 1000;
    return {
      frames: frames.slice(1),
      realSeconds: real,
      simSeconds: clock() - sim0,
      longTasks: window.__longTasks.slice(lt0),
    };
  }, SECONDS);
  const after = await metrics();
  const perFrame = (name) => r1(((after[name] ?? 0) - (before[name] ?? 0)) * 1000 / Math.max(1, m.frames.length - 1));
  const mainThread = {
    busyMs: perFrame('TaskDuration'),
    scriptMs: perFrame('ScriptDuration'),
    layoutMs: perFrame('LayoutDuration'),
    styleMs: perFrame('RecalcStyleDuration'),
  };
  let profile;
  if (PROFILE) {
    ({ profile } = await cdp.send('Profiler.stop'));
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, `${SCENARIO}.cpuprofile`), JSON.stringify(profile));
  }
  const domAfter = await page.evaluate(() => ({
    records: document.querySelectorAll('[data-testid="record"]').length,
    elements: document.getElementsByTagName('*').length,
  }));
  await ctx.close();
  const f = m.frames;
  const out = {
    scenario: SCENARIO,
    speed: Number(SPEED),
    warmupMs: WARMUP_MS,
    seconds: r1(m.realSeconds),
    frames: f.length,
    fps: r1(f.length / m.realSeconds),
    p50Ms: r1(pct(f, 50)),
    p95Ms: r1(pct(f, 95)),
    p99Ms: r1(pct(f, 99)),
    maxMs: r1(Math.max(...f)),
    over16_7: f.filter((x) => x > 16.7).length,
    // Frames by how many 60 Hz intervals they took (1, 2, 3, more).
    vsyncs: [1, 2, 3].map((n) => f.filter((x) => x > (n - 1) * 16.7 + 1 && x <= n * 16.7 + 1).length)
      .concat([f.filter((x) => x > 3 * 16.7 + 1).length]),
    longTasks: {
      count: m.longTasks.length,
      totalMs: r1(m.longTasks.reduce((a, t) => a + t.duration, 0)),
      maxMs: r1(Math.max(0, ...m.longTasks.map((t) => t.duration))),
    },
    simSecondsPerRealSecond: r2(m.simSeconds / m.realSeconds),
    // Per frame, averaged: main-thread busy time and its script, layout and style parts.
    mainThreadPerFrame: mainThread,
    dom: { ...dom, after: domAfter },
    errors,
  };
  if (profile) out.profileTop = topSelf(profile, 25);
  return out;
}

/** Functions with the most self time in a CDP profile. */
function topSelf(profile, n) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const cf = node.callFrame;
    const name = `${cf.functionName || '(anonymous)'} ${cf.url ? cf.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms: r1(ms), pct: r1((ms / total) * 100) }));
}

const browser = await launchBrowser();
try {
  const result = {
    date: new Date().toISOString(),
    url: baseUrl(),
    firstDraw: process.env.PERF_SKIP_FIRST_DRAW ? undefined : await firstDraw(browser),
    scale: await scale(browser),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
}
