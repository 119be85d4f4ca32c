// End-to-end: a large topic (the scale preset's 100 partitions) draws its detailed partition
// rows live while they are on screen and holds them still while they are scrolled away, so
// that the page does not redraw logs nobody sees (issue 9's frame budget). Consumers' rows do
// the same.
//
// Whole sections (the topic, the groups board, the side panels…) are held the same way in a
// large session, never in a small one.
//
// DOM contract: `[data-testid="topic"] .partitions[data-live="true"|"false"]`, and each
// `[data-testid="partition"]` row's `data-hw` (its high watermark);
// `[data-testid="consumer"][data-live="true"|"false"]` with `[data-testid="consumed"]`;
// `.hold[data-live="true"|"false"]` around each section, the ledger's
// `[data-testid="ledger-acked"]`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, waitForReady, waitForContract } from './browser.mjs';

const ROWS = '[data-testid="topic"] .partitions';
const FIRST_ROW = `${ROWS} [data-testid="partition"]`;

const LAST_CONSUMER = '[data-testid="consumer"]:last-of-type';
const consumed = (page) => page.$eval(`${LAST_CONSUMER} [data-testid="consumed"]`, (el) => Number(el.textContent));

const hw = (page) => page.$eval(FIRST_ROW, (el) => Number(el.getAttribute('data-hw')));

describe('a large topic on screen and off', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('rows are held while scrolled away and live again once scrolled to', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 }, '?scenario=scale');
    try {
      await waitForReady(page, problems);
      await waitForContract(page, FIRST_ROW, problems, 'a partition row');
      // At the top of the page the topic is far below the fold: its rows are held.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForSelector(`${ROWS}[data-live="false"]`, { state: 'attached', timeout: 10_000 });
      // Records keep arriving (10,000/s), but a held row does not move.
      await page.waitForTimeout(300);
      const held = await hw(page);
      await page.waitForTimeout(1_500);
      assert.equal(await hw(page), held, 'a row off screen was redrawn');

      // Scrolled to, the rows are live and their high watermarks advance.
      await page.locator(ROWS).scrollIntoViewIfNeeded();
      await page.waitForSelector(`${ROWS}[data-live="true"]`, { state: 'attached', timeout: 10_000 });
      const start = await hw(page);
      await page.waitForFunction(
        ([sel, from]) => Number(document.querySelector(sel)?.getAttribute('data-hw')) > from,
        [FIRST_ROW, start],
        { timeout: 15_000 },
      );
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });

  test('a consumer row is held while scrolled away and live again once scrolled to', { timeout: 90_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 }, '?scenario=scale');
    try {
      await waitForReady(page, problems);
      await waitForContract(page, LAST_CONSUMER, problems, 'a consumer row');
      await page.evaluate(() => window.scrollTo(0, 0));
      // The last of the twelve consumers is far below the fold.
      await page.waitForSelector(`${LAST_CONSUMER}[data-live="false"]`, { state: 'attached', timeout: 10_000 });
      // Wait until the consumers read (the first one is on screen), so that a redraw would
      // change the held one's count.
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="consumer"] [data-testid="consumed"]')?.textContent) > 0,
        null,
        { timeout: 60_000 },
      );
      await page.waitForTimeout(500);
      const held = await consumed(page);
      await page.waitForTimeout(2_000);
      assert.equal(await consumed(page), held, 'a consumer off screen was redrawn');

      // Scrolled to (again, as a reader would, if rows above it grew as they came alive).
      for (let i = 0; i < 5 && !(await page.$(`${LAST_CONSUMER}[data-live="true"]`)); i++) {
        await page.locator(LAST_CONSUMER).scrollIntoViewIfNeeded();
        await page.waitForTimeout(500);
      }
      await page.waitForSelector(`${LAST_CONSUMER}[data-live="true"]`, { state: 'attached', timeout: 10_000 });
      // Live again: its count follows the consumer (the groups join after the coordinator's
      // 3 s initial rebalance delay, then read 10,000 records a second).
      await page.waitForFunction(
        ([sel, from]) => Number(document.querySelector(sel)?.textContent) > from,
        [`${LAST_CONSUMER} [data-testid="consumed"]`, held],
        { timeout: 60_000 },
      );
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });

  // On a phone the side column is not a scroll box of its own: it follows the stage, and the
  // page scrolls to it.
  for (const [name, viewport] of [
    ['on a wide screen', { width: 1280, height: 800 }],
    ['on a phone', { width: 390, height: 844 }],
  ]) {
    test(`a section scrolled away is held at scale and live again once scrolled to, ${name}`, { timeout: 90_000 }, async () => {
      const { context, page, problems } = await openApp(browser, viewport, '?scenario=scale');
      const LEDGER = '.hold:has([data-testid="ledger-acked"])';
      const acked = () => page.$eval('[data-testid="ledger-acked"]', (el) => el.textContent);
      try {
        await waitForReady(page, problems);
        await waitForContract(page, LEDGER, problems, 'the ledger panel in its hold');
        // At the top of the page (and of the side column, where it scrolls on its own), the
        // ledger is below the fold.
        await page.evaluate(() => {
          window.scrollTo(0, 0);
          document.querySelector('.side')?.scrollTo(0, 0);
        });
        await page.waitForSelector(`${LEDGER}[data-live="false"]`, { state: 'attached', timeout: 10_000 });
        // Records are acknowledged all the while, but the held ledger does not move.
        await page.waitForTimeout(300);
        const held = await acked();
        await page.waitForTimeout(1_500);
        assert.equal(await acked(), held, 'a held section was redrawn');

        await page.locator('[data-testid="ledger-acked"]').scrollIntoViewIfNeeded();
        await page.waitForSelector(`${LEDGER}[data-live="true"]`, { state: 'attached', timeout: 10_000 });
        await page.waitForFunction(
          (from) => document.querySelector('[data-testid="ledger-acked"]')?.textContent !== from,
          held,
          { timeout: 30_000 },
        );
        assert.deepEqual(problems, [], 'the page logged errors');
      } finally {
        await context.close();
      }
    });
  }

  test('a small session holds nothing, wherever it is scrolled', { timeout: 30_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 });
    try {
      await waitForReady(page, problems);
      await waitForContract(page, '.hold', problems, 'a section in its hold');
      await page.evaluate(() => {
        window.scrollTo(0, 0);
        document.querySelector('.side')?.scrollTo(0, 0);
      });
      await page.waitForTimeout(1_000);
      const held = await page.$$eval('.hold[data-live="false"]', (els) => els.length);
      const all = await page.$$eval('.hold', (els) => els.length);
      assert.ok(all >= 8, `only ${all} sections in holds`);
      assert.equal(held, 0, 'a section of a small session was held');
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
});
