// End-to-end: the preset scenarios against the release build. Only the default preset is
// compiled into the wasm; the others are the files in `scenarios/`, downloaded when chosen.
// A first visit downloads none of them; a preset named in the address shows that it is
// loading until its file arrives; a file that cannot be downloaded gets a notice.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, waitForReady, baseUrl, screenshot } from './browser.mjs';

/** Every request for a scenario file this page makes, as paths. */
function scenarioRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes('/scenarios/')) seen.push(path.slice(path.indexOf('/scenarios/')));
  });
  return seen;
}

describe('preset scenarios', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('the first visit downloads no scenario file; a chosen preset is downloaded once', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      const seen = scenarioRequests(page);
      await page.goto(baseUrl(), { waitUntil: 'load' });
      await waitForReady(page, problems);
      await page.waitForSelector('[data-testid="partition"][data-topic="orders"]', { state: 'attached' });
      assert.deepEqual(seen, [], 'the default scenario is compiled in');

      await page.selectOption('#preset', 'transactions');
      await page.waitForSelector('[data-testid="partition"][data-topic="transfers"]', { state: 'attached', timeout: 10_000 });
      assert.equal(await page.inputValue('#preset'), 'transactions');
      await page.selectOption('#preset', 'playground');
      await page.waitForSelector('[data-testid="partition"][data-topic="orders"]', { state: 'attached' });
      await page.selectOption('#preset', 'transactions');
      await page.waitForSelector('[data-testid="partition"][data-topic="transfers"]', { state: 'attached' });
      assert.deepEqual(seen, ['/scenarios/transactions.json'], 'downloaded once, then kept');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a preset named in the address shows that it is loading until its file arrives', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 390, height: 844 }, 'about:blank');
    try {
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route('**/scenarios/scale.json', async (route) => { await held; await route.continue(); });
      await page.goto(new URL('?scenario=scale', baseUrl()).href, { waitUntil: 'load' });
      const note = await page.waitForSelector('main#app[aria-busy="true"] .loading-note[role="status"]', { state: 'visible' });
      assert.match(await note.textContent(), /^\s*Loading the scenario “Scale: 12 brokers, 100 partitions, 10,000 records\/s”…$/);
      assert.equal(await page.$('main#app[data-ready="1"]'), null, 'not ready while the file downloads');
      assert.equal((await page.textContent('main#app[aria-busy="true"] header.topbar h1')).trim(), 'Kafka Playground',
        'the page says what it is while the scenario loads');
      await screenshot(page, 'preset-loading-390x844.png');
      release();
      await waitForReady(page, problems);
      assert.equal(await page.locator('[data-testid="broker"]').count(), 12);
      assert.equal(await page.inputValue('#preset'), 'scale');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a preset file that cannot be downloaded gets a notice and the default scenario', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.route('**/scenarios/retention.json', (route) => route.fulfill({ status: 503, body: 'down' }));
      await page.goto(new URL('?scenario=retention', baseUrl()).href, { waitUntil: 'load' });
      await waitForReady(page, errors);
      const notice = await page.textContent('[data-testid="notice"]');
      assert.match(notice, /The scenario in the address could not be loaded: scenarios\/retention\.json could not be downloaded \(HTTP 503\)\. The default scenario is loaded instead\./);
      await page.waitForSelector('[data-testid="partition"][data-topic="orders"]', { state: 'attached' });
      assert.equal(await page.inputValue('#preset'), 'playground');

      // Chosen in the picker, the same failure shows next to the picker.
      await page.selectOption('#preset', 'retention');
      const error = await page.waitForSelector('[data-testid="error-preset"]');
      assert.match(await error.textContent(), /scenarios\/retention\.json could not be downloaded \(HTTP 503\)/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
