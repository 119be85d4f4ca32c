import { launchBrowser } from './e2e/browser.mjs';
import { writeFileSync } from 'node:fs';
const url = process.env.PLAYGROUND_URL; const speed = process.env.PERF_SPEED || '1';
const b = await launchBrowser();
const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
await page.goto(url + '?scenario=scale');
await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 60000 });
if (speed !== '1') await page.selectOption('#speed', speed);
await page.waitForTimeout(+process.env.WARM || 1500);
const cdp = await ctx.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink,cc,viz', transferMode: 'ReportEvents' });
await page.waitForTimeout(3000);
await cdp.send('Tracing.end'); await done;
await b.close();
// main renderer thread: the one with most RunTask... find CrRendererMain
const names = new Map(); for (const e of events) if (e.name === 'thread_name') names.set(e.pid + ':' + e.tid, e.args.name);
const agg = new Map();
for (const e of events) { if (e.ph !== 'X' || !e.dur) continue; const th = names.get(e.pid + ':' + e.tid) || '?'; const k = th + ' | ' + e.name; agg.set(k, (agg.get(k) || 0) + e.dur / 1000); }
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(v.toFixed(0).padStart(7), k);
