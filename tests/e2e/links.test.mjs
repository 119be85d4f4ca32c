// End-to-end: shareable links (#s=…) against the release build — a link made in one browser
// context opens the same session in another; a damaged link shows a notice, never a blank page.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, waitForReady, baseUrl, screenshot } from './browser.mjs';

describe('shareable links', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('Copy link → open in a fresh browser context → the same session', { timeout: 60_000 }, async () => {
    const a = await openApp(browser);
    let link;
    try {
      await waitForReady(a.page, a.problems);
      await a.page.click('#play-toggle'); // pause
      await a.page.click('[data-testid="broker"][data-broker="3"] [data-action="stop"]');
      await a.page.fill('#produce-key', 'shared-key');
      await a.page.click('#produce-one');
      await a.page.click('#play-toggle'); // play a little
      await a.page.waitForTimeout(700);
      await a.page.click('#play-toggle');
      await a.page.click('#copy-link');
      await a.page.waitForSelector('[data-testid="copy-status"]');
      link = await a.page.inputValue('#share-url');
      assert.match(link, /#s=[A-Za-z0-9_-]+$/);
      const clock = await a.page.textContent('#clock');
      const acked = await a.page.textContent('[data-testid="ledger-acked"]');
      await screenshot(a.page, 'share-link-1280x800.png');

      const b = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await b.newPage();
        await page.goto(link, { waitUntil: 'load' });
        await waitForReady(page, []);
        assert.equal(await page.textContent('#clock'), clock);
        assert.equal(await page.textContent('[data-testid="ledger-acked"]'), acked);
        await page.waitForSelector('[data-testid="broker"][data-broker="3"][data-status="stopped"]', { state: 'attached' });
        await page.waitForSelector('[data-testid="record"][data-key="shared-key"]', { state: 'attached' });
        assert.equal(new URL(page.url()).hash, '', 'the fragment is dropped once opened');
      } finally {
        await b.close();
      }
    } finally {
      await a.context.close();
    }
  });

  test('a damaged link shows a notice and the default scenario', { timeout: 30_000 }, async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(new URL('#s=eJzLSM3JyVcozy_KSQEAGgQEXQ', baseUrl()).href.replace(/Q$/, '!'), { waitUntil: 'load' });
      await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached' });
      const notice = await page.textContent('[data-testid="notice"]');
      assert.match(notice, /This link could not be opened: the link is damaged/);
      await page.waitForSelector('[data-testid="partition"][data-topic="orders"]', { state: 'attached' });
      await screenshot(page, 'bad-link-390x844.png');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  });
});
