// End-to-end: a large topic (the scale preset's 100 partitions) draws its detailed partition
// rows live while they are on screen and holds them still while they are scrolled away, so
// that the page does not redraw logs nobody sees (issue 9's frame budget).
//
// DOM contract: `[data-testid="topic"] .partitions[data-live="true"|"false"]`, and each
// `[data-testid="partition"]` row's `data-hw` (its high watermark).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, waitForReady, waitForContract } from './browser.mjs';

const ROWS = '[data-testid="topic"] .partitions';
const FIRST_ROW = `${ROWS} [data-testid="partition"]`;

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
});
