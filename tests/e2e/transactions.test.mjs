// End-to-end: a transaction aborted from the page is invisible to a read_committed consumer and
// visible to a read_uncommitted one; an ABORT marker is drawn in the log; a committed
// transaction becomes visible to both.
//
// DOM contract (crates/web/src/components/txn_code.rs, isolation_compare.rs, partition_row.rs):
// - `[data-testid="txn-code"]` with buttons #txn-begin, #txn-send, #txn-commit, #txn-abort
//   (send() alternates partitions, so a transaction spans both partitions of `transfers`);
// - `[data-testid="isolation-compare"]` with one `[data-testid="iso-col"][data-isolation=L]` per
//   consumer, each with `iso-consumed` and `iso-aborted`, and `iso-diff` in the header;
// - `[data-testid="record"]` cells in each partition's log, `data-control="ABORT"|"COMMIT"` for
//   control markers and `data-aborted="true"` for records of aborted transactions.
// The preset (static/scenarios/transactions.json) runs its own abort and commit by t = 6 s; the
// test waits until that has settled, then drives a second abort and commit itself.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, waitForReady, waitForContract, screenshot, poll } from './browser.mjs';

/** Click through the DOM (`el.click()`): the page re-renders every animation frame while the
 * simulation runs, and a pointer click aimed at a button that is being re-laid out can land
 * beside it. Waits for the element to exist and be enabled first. */
async function domClick(page, selector) {
  await page.waitForSelector(`${selector}:not([disabled])`, { timeout: 15_000 });
  await page.$eval(selector, (el) => el.click());
}

const col = (level) => `[data-testid="iso-col"][data-isolation="${level}"]`;

/** Counts of both consumers, the diff pill and the markers drawn in the logs. */
async function snapshot(page) {
  return page.evaluate(() => {
    const num = (sel) => Number(document.querySelector(sel)?.textContent?.trim() ?? NaN);
    const rc = '[data-testid="iso-col"][data-isolation="read_committed"]';
    const ru = '[data-testid="iso-col"][data-isolation="read_uncommitted"]';
    const topic = '[data-testid="topic"][data-topic="transfers"]';
    return {
      rc: num(`${rc} [data-testid="iso-consumed"]`),
      rcAborted: num(`${rc} [data-testid="iso-aborted"]`),
      ru: num(`${ru} [data-testid="iso-consumed"]`),
      ruAborted: num(`${ru} [data-testid="iso-aborted"]`),
      diff: document.querySelector('[data-testid="iso-diff"]')?.textContent?.trim() ?? '',
      abortMarkers: document.querySelectorAll(`${topic} [data-testid="record"][data-control="ABORT"]`).length,
      commitMarkers: document.querySelectorAll(`${topic} [data-testid="record"][data-control="COMMIT"]`).length,
      abortedRecords: document.querySelectorAll(`${topic} [data-testid="record"][data-aborted="true"]`).length,
      txnState: document.querySelector('[data-testid="txn-code"] [data-testid="txn-state"]')?.textContent?.trim() ?? '',
    };
  });
}

describe('transactions in the page', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('an aborted transaction splits read_committed from read_uncommitted; a commit reaches both', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 }, '?scenario=transactions');
    try {
      await waitForReady(page, problems);
      await waitForContract(page, '[data-testid="txn-code"]', problems, 'the transaction code panel');
      await waitForContract(page, '[data-testid="isolation-compare"]', problems, 'the isolation comparison');
      await waitForContract(page, col('read_committed'), problems, 'the read_committed column');
      await waitForContract(page, col('read_uncommitted'), problems, 'the read_uncommitted column');
      await page.selectOption('#speed', '10');

      // The preset's own transactions (one aborted, one committed) settle: 2 vs 4 records.
      const base = await poll(async () => {
        const s = await snapshot(page);
        const state = s.txnState;
        return { done: s.rc === 2 && s.ru === 4 && s.ruAborted === 2 && /committed|empty|ready/i.test(state) && !/ongoing/i.test(state), ...s };
      }, { timeout: 20_000 });
      assert.equal(base.rc, 2, `the preset's committed transaction reached read_committed (${JSON.stringify(base)})`);
      assert.equal(base.ru, 4, 'read_uncommitted read the preset\'s aborted and committed records');

      // Our transaction: begin, two sends (one per partition), abort.
      await domClick(page, '#txn-begin');
      await domClick(page, '#txn-send');
      await domClick(page, '#txn-send');
      const open = await poll(async () => {
        const s = await snapshot(page);
        return { done: s.ru === base.ru + 2, ...s };
      }, { timeout: 15_000 });
      assert.equal(open.ru, base.ru + 2, 'read_uncommitted reads the open transaction\'s records below the HW');
      assert.equal(open.rc, base.rc, 'read_committed is held at the LSO while the transaction is open');
      await domClick(page, '#txn-abort');

      const aborted = await poll(async () => {
        const s = await snapshot(page);
        return { done: s.abortMarkers >= base.abortMarkers + 2 && s.ruAborted === base.ruAborted + 2, ...s };
      }, { timeout: 15_000 });
      await screenshot(page, 'transactions-after-abort.png');
      assert.equal(aborted.ruAborted, base.ruAborted + 2, 'read_uncommitted read both aborted records');
      assert.equal(aborted.ru, base.ru + 2, 'read_uncommitted counts them as read');
      assert.equal(aborted.rc, base.rc, 'read_committed read none of the aborted records');
      assert.equal(aborted.rcAborted, 0, 'read_committed never reads an aborted record');
      assert.ok(aborted.ru > aborted.rc, 'the two consumers differ');
      assert.match(aborted.diff, /differ by 4 records/, 'the comparison says they differ');
      assert.equal(aborted.abortMarkers, base.abortMarkers + 2, 'an ABORT marker is drawn in each partition the transaction wrote to');
      assert.ok(aborted.abortedRecords >= base.abortedRecords + 2, 'the aborted records are marked in the log');
      const glyph = await page.$eval('[data-testid="topic"][data-topic="transfers"] [data-testid="record"][data-control="ABORT"]', (el) => el.textContent);
      assert.match(glyph, /◆\d+ABORT/, 'the marker has its own glyph and label');

      // A committed transaction is visible to both.
      await domClick(page, '#txn-begin');
      await domClick(page, '#txn-send');
      await domClick(page, '#txn-send');
      await domClick(page, '#txn-commit');
      const committed = await poll(async () => {
        const s = await snapshot(page);
        return { done: s.rc === aborted.rc + 2 && s.ru === aborted.ru + 2 && s.commitMarkers >= aborted.commitMarkers + 2, ...s };
      }, { timeout: 15_000 });
      await screenshot(page, 'transactions-after-commit.png');
      assert.equal(committed.rc, aborted.rc + 2, 'read_committed reads the committed records');
      assert.equal(committed.ru, aborted.ru + 2, 'read_uncommitted reads them too');
      assert.equal(committed.ruAborted, aborted.ruAborted, 'nothing new is counted as aborted');
      assert.equal(committed.commitMarkers, aborted.commitMarkers + 2, 'a COMMIT marker in each partition');
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
});
