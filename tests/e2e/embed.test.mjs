// End-to-end: embed mode (?embed=1 and its parameters), the example page web/embed.html, and
// the postMessage API an embedding page uses to drive the playground.
//
// The host page of the API tests is served from another origin — a second loopback server
// started here, on another port — so the playground's origin checks are exercised for real.
// (A page fulfilled by playwright's router counts as public, and Chromium's local network
// access checks then refuse to frame the app on 127.0.0.1.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launchBrowser, baseUrl, screenshot, poll } from './browser.mjs';

/** A loopback server answering every request with the host page for `?src=<app url>`. */
function startHostServer() {
  const server = createServer((req, res) => {
    const src = new URL(req.url, 'http://x').searchParams.get('src') ?? '';
    const esc = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>host</title><link rel="icon" href="data:,">
      <iframe id="pg" src="${esc}" width="800" height="500"></iframe>
      <script>
        window.received = [];
        window.addEventListener('message', (e) => {
          if (e.source === document.getElementById('pg').contentWindow) window.received.push(e.data);
        });
        window.send = (m) => document.getElementById('pg').contentWindow.postMessage(m, '*');
      </script>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
let hostServer;

/** A page at `viewport` collecting errors; `path` relative to the app (null: no navigation). */
async function open(browser, path, viewport = { width: 800, height: 500 }, colorScheme = 'light') {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  if (path !== null) await page.goto(new URL(path, baseUrl()).href, { waitUntil: 'load' });
  return { context, page, problems };
}

/** A host page on another origin embedding the playground at `query`, recording messages. */
async function host(browser, query) {
  const { context, page, problems } = await open(browser, null, { width: 1000, height: 700 });
  const src = new URL(query, baseUrl()).href;
  const { port } = hostServer.address();
  await page.goto(`http://127.0.0.1:${port}/?src=${encodeURIComponent(src)}`, { waitUntil: 'load' });
  const frame = await (await page.waitForSelector('#pg')).contentFrame();
  await frame.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 15_000 });
  return { context, page, frame, problems };
}

const received = (page) => page.evaluate(() => window.received);
async function waitMessage(page, pred, what, timeout = 8_000) {
  const r = await poll(async () => {
    const all = await received(page);
    const m = all.find(pred);
    return { done: !!m, m, all };
  }, { timeout });
  assert.ok(r.m, `no ${what} within ${timeout} ms; got ${JSON.stringify(r.all.map((x) => x.type)).slice(0, 400)}`);
  return r.m;
}

describe('embed mode', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('?embed=1 renders compact chrome with the tour, sized for an 800×500 iframe', { timeout: 60_000 }, async () => {
    for (const scheme of ['light', 'dark']) {
      const { context, page, problems } = await open(browser, '?embed=1&scenario=acks-1-loss&tour=1&autoplay=0', undefined, scheme);
      try {
        await page.waitForSelector('main#app.embed[data-ready="1"]', { state: 'attached' });
        await page.waitForSelector('[data-testid="tour"]');
        assert.equal(await page.locator('.tagline').count(), 0, 'no tagline in embed mode');
        assert.equal(await page.locator('.scenario-desc').count(), 0, 'no description in embed mode');
        assert.match(await page.textContent('.embed-title'), /acks=1 loses a record/);
        const header = await page.locator('header.topbar').boundingBox();
        assert.ok(header.height <= 90, `embed header is ${header.height}px tall`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 800, `no horizontal scrolling (${width}px)`);
        assert.match(await page.textContent('#play-toggle'), /Play/, 'autoplay=0 starts paused');
        await screenshot(page, `embed-800x500-${scheme}.png`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  });

  test('readonly=1 hides the controls that change the cluster', { timeout: 30_000 }, async () => {
    const { context, page, problems } = await open(browser, '?embed=1&readonly=1');
    try {
      await page.waitForSelector('main#app.readonly[data-ready="1"]', { state: 'attached' });
      await page.waitForSelector('[data-testid="partition"]', { state: 'attached' });
      for (const sel of ['[data-action="stop"]', '#produce-one', '#fork-start', '[data-testid="seek"]', '.topic-settings']) {
        assert.equal(await page.locator(sel).count(), 0, `${sel} shown in read-only mode`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the example page embeds two playgrounds', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await open(browser, 'embed.html', { width: 1000, height: 900 });
    try {
      for (const id of ['#tour-frame', '#api-frame']) {
        const frame = await (await page.waitForSelector(id)).contentFrame();
        await frame.waitForSelector('main#app.embed[data-ready="1"]', { state: 'attached', timeout: 15_000 });
      }
      // The page subscribes to the second playground and shows its state events.
      await page.waitForFunction(() => /acked \d+/.test(document.getElementById('api-state').textContent), null, { timeout: 10_000 });
      await page.click('button[data-action*="stop_broker"]');
      const frame = await (await page.$('#api-frame')).contentFrame();
      await frame.waitForSelector('[data-testid="broker"][data-broker="1"][data-status="stopped"]', { state: 'attached' });
      await screenshot(page, 'embed-example-1000x900.png');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('postMessage API', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
    hostServer = await startHostServer();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => (hostServer ? hostServer.close(r) : r()));
  });

  test('ready, subscribe, command, load, and errors for invalid messages', { timeout: 60_000 }, async () => {
    const { context, page, frame, problems } = await host(browser, '?embed=1&scenario=playground');
    try {
      await waitMessage(page, (m) => m.type === 'kafka-playground:ready' && m.version === 1, 'ready');

      await page.evaluate(() => window.send({ type: 'kafka-playground:subscribe', id: 'sub' }));
      await waitMessage(page, (m) => m.type === 'kafka-playground:ok' && m.id === 'sub', 'ok for subscribe');
      const first = await waitMessage(page, (m) => m.type === 'kafka-playground:state', 'a state event');
      assert.equal(first.scenario, 'Playground');
      assert.equal(typeof first.time_ms, 'number');
      assert.deepEqual(Object.keys(first.ledger).sort(), ['acked', 'duplicates', 'failed', 'lost', 'pending', 'unavailable', 'visible']);
      await waitMessage(page, (m) => m.type === 'kafka-playground:state' && m.groups.some((g) => g.group === 'billing' && g.state === 'Stable'), 'billing Stable in a state event', 15_000);

      await page.evaluate(() => window.send({ type: 'kafka-playground:command', id: 5, action: { do: 'stop_broker', broker: 2 } }));
      await waitMessage(page, (m) => m.type === 'kafka-playground:ok' && m.id === 5, 'ok for the command');
      await frame.waitForSelector('[data-testid="broker"][data-broker="2"][data-status="stopped"]', { state: 'attached' });
      await waitMessage(page, (m) => m.type === 'kafka-playground:state' && m.brokers.some((b) => b.id === 2 && !b.alive), 'broker 2 down in a state event');

      // Invalid shapes and refused commands are answered with errors, naming the request.
      const bad = [
        [6, { type: 'kafka-playground:command', id: 6, action: { do: 'explode' } }, /invalid action/],
        [7, { type: 'kafka-playground:command', id: 7 }, /missing "action"/],
        [8, { type: 'kafka-playground:command', id: 8, action: { do: 'stop_broker', broker: 99 } }, /99/],
        [9, { type: 'kafka-playground:teleport', id: 9 }, /unknown message type/],
        [10, { type: 'kafka-playground:load', id: 10, preset: 'no-such-preset' }, /no-such-preset/],
        [11, { type: 'kafka-playground:load', id: 11, scenario: { name: 'x', topics: [{ name: 't', partitons: 1 }] } }, /partitons/],
      ];
      for (const [, msg] of bad) await page.evaluate((m) => window.send(m), msg);
      for (const [id, , re] of bad) {
        const e = await waitMessage(page, (m) => m.type === 'kafka-playground:error' && m.id === id, `error for request ${id}`);
        assert.match(e.error, re);
      }
      // Messages that are not ours are ignored silently.
      await page.evaluate(() => window.send({ hello: 'world' }));

      await page.evaluate(() => window.send({ type: 'kafka-playground:load', id: 12, preset: 'acks-1-loss' }));
      await waitMessage(page, (m) => m.type === 'kafka-playground:ok' && m.id === 12, 'ok for load');
      await waitMessage(page, (m) => m.type === 'kafka-playground:state' && m.scenario.startsWith('acks=1 loses'), 'state of the loaded scenario');
      await frame.waitForSelector('[data-testid="partition"][data-topic="payments"]', { state: 'attached' });

      await page.evaluate(() => window.send({ type: 'kafka-playground:pause', id: 13 }));
      await waitMessage(page, (m) => m.type === 'kafka-playground:ok' && m.id === 13, 'ok for pause');
      await frame.waitForSelector('#play-toggle[aria-pressed="false"]', { state: 'attached' });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('messages from an origin other than the allowed one are ignored', { timeout: 30_000 }, async () => {
    const { context, page, frame } = await host(browser, '?embed=1&origin=https%3A%2F%2Fallowed.example');
    try {
      await page.waitForTimeout(500);
      await page.evaluate(() => window.send({ type: 'kafka-playground:command', id: 1, action: { do: 'stop_broker', broker: 1 } }));
      await page.waitForTimeout(1_500);
      assert.deepEqual(await received(page), [], 'nothing is posted to a host that is not allowed');
      assert.equal(await frame.locator('[data-testid="broker"][data-broker="1"][data-status="stopped"]').count(), 0);
    } finally {
      await context.close();
    }
  });
});
