// End-to-end: a log is not a queue. Acknowledging a queue message deletes it, while the Kafka
// topic keeps its records and a consumer group created later replays them from offset 0; and
// retention (not consumption) deletes closed segments once the wall clock is fast-forwarded.
//
// DOM contract (crates/web/src/components/queue_view.rs, fast_forward.rs, segment_bar.rs,
// partition_row.rs):
// - `[data-testid="queue-view"]` with `queue-count` (messages left), `queue-deleted`,
//   `[data-testid="queue-worker"][data-consumer=ID]` (buttons `[data-action="ack"]`,
//   `[data-action="crash-worker"]`), `[data-testid="queue-message"]`;
// - `[data-testid="lvq-log"]` with `log-records` (records retained) and one
//   `[data-testid="log-group"][data-group=G]` per group ("G read N · lag L");
// - buttons #send-both, #late-group, #manual-worker;
// - `[data-testid="partition"]` with `data-log-start`; `[data-testid="segment"]` per segment,
//   `[data-testid="segment-deleted"]` once retention removed something;
// - `[data-testid="fast-forward"]` with `button[data-ff=MS]` (+1 h, +1 d, +7 d).
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

/** What the log-vs-queue view shows. */
async function lvq(page) {
  return page.evaluate(() => {
    const q = document.querySelector('[data-testid="queue-view"]');
    const n = (sel) => Number(q?.querySelector(sel)?.textContent?.trim() ?? NaN);
    const groups = {};
    for (const li of q?.querySelectorAll('[data-testid="log-group"]') ?? []) {
      const m = li.textContent.match(/read (\d+)/);
      groups[li.getAttribute('data-group')] = m ? Number(m[1]) : NaN;
    }
    return {
      count: n('[data-testid="queue-count"]'),
      deleted: n('[data-testid="queue-deleted"]'),
      sent: n('[data-testid="queue-sent"]'),
      retained: n('[data-testid="log-records"]'),
      messages: q?.querySelectorAll('[data-testid="queue-message"]').length ?? -1,
      groups,
    };
  });
}

describe('log versus queue', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('acking deletes from the queue; the topic keeps its records and a late group replays them', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 }, '?scenario=log-vs-queue');
    try {
      await waitForReady(page, problems);
      await waitForContract(page, '[data-testid="queue-view"]', problems, 'the log-vs-queue view');
      await waitForContract(page, '[data-testid="lvq-log"]', problems, 'the Kafka side of the view');
      await page.selectOption('#speed', '10');

      // The preset: ten orders to both; two auto-ack workers drain the queue, two groups read all.
      const drained = await poll(async () => {
        const s = await lvq(page);
        return { done: s.deleted === 10 && s.count === 0 && s.groups.billing === 10 && s.groups.shipping === 10, ...s };
      }, { timeout: 20_000 });
      assert.equal(drained.deleted, 10, `every acknowledged message was deleted (${JSON.stringify(drained)})`);
      assert.equal(drained.count, 0, 'the queue is empty');
      assert.equal(drained.messages, 0, 'no message is drawn in the queue');
      assert.equal(drained.retained, 10, 'the topic still holds all ten records after both groups read them');
      const cells = await page.$$eval('[data-testid="lvq-log"] .mini-cell', (els) => els.length);
      assert.equal(cells, 10, 'the ten records are drawn in the topic');

      // A late consumer group replays the topic from offset 0.
      const before = Object.keys(drained.groups);
      await domClick(page, '#late-group');
      const late = await poll(async () => {
        const s = await lvq(page);
        const g = Object.keys(s.groups).find((k) => !before.includes(k) && k.startsWith('late-group'));
        return { done: g !== undefined && s.groups[g] >= s.retained, g, read: g && s.groups[g], ...s };
      }, { timeout: 30_000 });
      assert.ok(late.g, `a late group appeared (groups: ${JSON.stringify(late.groups)})`);
      assert.equal(late.read, late.retained, `${late.g} read every record the topic holds, from offset 0`);
      assert.equal(late.retained, 10, 'reading did not delete anything from the topic');

      // The preset's script adds one more auto-ack worker (fraud-worker) at 12 s: wait for it,
      // so that no worker joins after the crashes below.
      await waitForContract(page, '[data-testid="queue-worker"][data-consumer="fraud-worker"]', problems, "the preset's late queue worker", 30_000);
      // Acknowledge by hand: crash the auto-ack workers, add a manual-ack worker, send one order.
      for (;;) {
        const crash = await page.$('[data-testid="queue-view"] [data-testid="queue-worker"] [data-action="crash-worker"]');
        if (!crash) break;
        const id = await crash.evaluate((el) => el.closest('[data-testid="queue-worker"]').getAttribute('data-consumer'));
        // A DOM click: the view re-lays out every frame while the simulation runs, and a
        // pointer click aimed at a moving button can land beside it.
        await crash.evaluate((el) => el.click());
        const gone = await poll(async () => ({ done: !(await page.$(`[data-testid="queue-worker"][data-consumer="${id}"] [data-action="crash-worker"]`)) }), { timeout: 5_000 });
        if (!gone.done) {
          const info = await page.evaluate((id) => ({
            worker: document.querySelector(`[data-testid="queue-worker"][data-consumer="${id}"]`)?.outerHTML,
            error: document.querySelector('[data-testid="error-queue"]')?.textContent,
            clock: document.querySelector('#clock')?.textContent,
            playing: document.querySelector('#play-toggle')?.getAttribute('aria-pressed'),
          }), id);
          assert.fail(`crashing ${id} had no effect: ${JSON.stringify(info)}`);
        }
      }
      await domClick(page, '#manual-worker');
      const worker = '[data-testid="queue-worker"][data-consumer="manual-worker-1"]';
      await waitForContract(page, worker, problems, 'the manual-ack worker');
      const beforeSend = await lvq(page);
      await domClick(page, '#send-both');
      const sent = await poll(async () => {
        const s = await lvq(page);
        return { done: s.sent === beforeSend.sent + 1, ...s };
      }, { timeout: 10_000 });
      assert.ok(sent.done, `the order reached the queue (${JSON.stringify(sent)})`);
      const handed = await poll(async () => ({
        done: Boolean(await page.$(`${worker} [data-action="ack"]:not([disabled])`)),
        worker: await page.$eval(worker, (el) => el.textContent),
        ...(await lvq(page)),
      }), { timeout: 20_000 });
      assert.ok(handed.done, `the manual worker received the order (${JSON.stringify(handed)})`);
      const held = await lvq(page);
      assert.equal(held.count, 1, 'the queue holds the message while the worker has not acknowledged it');
      assert.equal(held.messages, 1, 'the message is drawn in the queue');
      assert.equal(held.deleted, beforeSend.deleted, 'nothing is deleted before the ack');
      await screenshot(page, 'log-vs-queue-before-ack.png');

      await domClick(page, `${worker} [data-action="ack"]`);
      const acked = await poll(async () => {
        const s = await lvq(page);
        return { done: s.count === 0 && s.deleted === held.deleted + 1, ...s };
      }, { timeout: 10_000 });
      await screenshot(page, 'log-vs-queue-after-ack.png');
      assert.equal(acked.count, 0, 'acknowledging deleted the message from the queue');
      assert.equal(acked.messages, 0, 'and it is no longer drawn');
      assert.equal(acked.deleted, held.deleted + 1, 'the queue counts it as deleted');
      assert.equal(acked.retained, 11, 'the topic holds the new order too: eleven records');
      assert.match(await page.textContent('[data-testid="lvq-moral"]'), /topic still holds 11 records/);
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });

  test('fast-forwarding past retention.ms deletes closed segments', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 }, '?scenario=retention');
    try {
      await waitForReady(page, problems);
      const part = '[data-testid="partition"][data-topic="clicks"][data-partition="0"]';
      await waitForContract(page, part, problems, 'partition clicks-0');
      await waitForContract(page, '[data-testid="fast-forward"] button[data-ff]', problems, 'the fast-forward buttons');
      // The preset fast-forwards by itself at t = 7 s: pause before that, once segments exist.
      const filled = await poll(async () => {
        const n = await page.$$eval(`${part} [data-testid="segment"]`, (els) => els.length);
        return { done: n >= 3, n };
      }, { timeout: 15_000, interval: 50 });
      await domClick(page, '#play-toggle');
      assert.equal(await page.getAttribute('#play-toggle', 'aria-pressed'), 'false', 'paused');
      const t = Number((await page.textContent('#clock')).match(/[\d.]+/)[0]);
      assert.ok(t < 7, `paused at t = ${t} s, before the preset's own fast-forward`);
      const segs = await page.$$eval(`${part} [data-testid="segment"]`, (els) =>
        els.map((e) => ({ base: Number(e.dataset.base), active: e.dataset.active === 'true' })));
      assert.ok(filled.n >= 3 && segs.length >= 3, `several segments before the fast-forward (${segs.length})`);
      assert.equal(segs.filter((s) => s.active).length, 1, 'exactly one active segment');
      assert.equal(await page.getAttribute(part, 'data-log-start'), '0', 'reading deleted nothing');
      assert.equal(await page.$(`${part} [data-testid="segment-deleted"]`), null, 'nothing deleted yet');
      await screenshot(page, 'retention-before.png');

      await domClick(page, '[data-testid="fast-forward"] button[data-ff="604800000"]');
      const after = await poll(async () => {
        const start = Number(await page.getAttribute(part, 'data-log-start'));
        const deleted = await page.$(`${part} [data-testid="segment-deleted"]`);
        return { done: start > 0 && deleted !== null, start, deleted: deleted !== null };
      }, { timeout: 10_000 });
      await screenshot(page, 'retention-after.png');
      const left = await page.$$eval(`${part} [data-testid="segment"]`, (els) =>
        els.map((e) => ({ base: Number(e.dataset.base), active: e.dataset.active === 'true' })));
      assert.ok(after.deleted, 'the deleted range is drawn');
      const hw = Number(await page.getAttribute(part, 'data-hw'));
      const closed = segs.filter((s) => !s.active);
      const detail = JSON.stringify({ segs, left, after, hw });
      assert.ok(after.start > 0, `the log start offset advanced (${detail})`);
      assert.ok(after.start > Math.max(...closed.map((s) => s.base)), `every closed segment, a week old now, was deleted (${detail})`);
      assert.ok(after.start <= hw, `retention never deletes above the high watermark (${detail})`);
      assert.equal(left[0].base, after.start, `the log now starts at the first remaining segment (${detail})`);
      assert.ok(left.length < segs.length, `fewer segments (${detail})`);
      assert.ok(left.some((s) => s.active), 'the active segment remains');
      assert.match(await page.textContent('#wall-clock'), /wall/, 'the wall clock is shown once it ran ahead');
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
});
