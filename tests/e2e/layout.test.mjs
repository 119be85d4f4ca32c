// End-to-end: the network diagram stays readable at phone width.
//
// At 1280 px it is a wide band (producers left, brokers in the middle, consumers right); at
// 390 px it is drawn tall (clients in rows above and below the brokers), with labels slanted
// when a row is crowded. Either way, every client label must be drawn at a readable size,
// inside the figure, and not on top of another label.
//
// DOM contract: `figure.network[data-shape="wide"|"tall"]`, one `g.node.client > text` per client.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, openApp, waitForReady, waitForContract, ARTIFACTS_DIR } from './browser.mjs';

/**
 * Each client label as the four screen corners of its (possibly rotated) text box, with its
 * rendered font size, and the figure's box.
 */
async function labels(page) {
  return page.$eval('figure.network', (fig) => {
    const svg = fig.querySelector('svg');
    const r = fig.getBoundingClientRect();
    return {
      figure: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
      shape: fig.getAttribute('data-shape'),
      labels: [...fig.querySelectorAll('g.node.client text')].map((t) => {
        const b = t.getBBox();
        const m = t.getScreenCTM();
        const corner = (x, y) => {
          const p = new DOMPoint(x, y).matrixTransform(m);
          return { x: p.x, y: p.y };
        };
        return {
          text: t.textContent,
          corners: [
            corner(b.x, b.y),
            corner(b.x + b.width, b.y),
            corner(b.x + b.width, b.y + b.height),
            corner(b.x, b.y + b.height),
          ],
          // The rendered size: the SVG's font size scaled by the viewBox.
          px:
            parseFloat(getComputedStyle(t).fontSize) *
            (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width),
        };
      }),
    };
  });
}

/** Whether two convex quadrilaterals overlap by more than `slack` px (separating axes). */
function overlaps(p, q, slack = 1) {
  for (const poly of [p, q]) {
    for (let i = 0; i < 4; i++) {
      const a = poly[i];
      const b = poly[(i + 1) % 4];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const n = { x: (a.y - b.y) / len, y: (b.x - a.x) / len };
      const proj = (pts) => pts.map((c) => c.x * n.x + c.y * n.y);
      const [pp, qq] = [proj(p), proj(q)];
      if (Math.min(Math.max(...pp), Math.max(...qq)) - Math.max(Math.min(...pp), Math.min(...qq)) <= slack) {
        return false;
      }
    }
  }
  return true;
}

function assertReadable({ figure, labels }, minPx, what) {
  assert.ok(labels.length > 0, `${what}: no client labels drawn`);
  for (const l of labels) {
    assert.ok(l.px >= minPx, `${what}: label ${l.text} is ${l.px.toFixed(1)} px, under ${minPx}`);
    const inside = l.corners.every(
      (c) =>
        c.x >= figure.left - 0.5 &&
        c.x <= figure.right + 0.5 &&
        c.y >= figure.top - 0.5 &&
        c.y <= figure.bottom + 0.5,
    );
    assert.ok(inside, `${what}: label ${l.text} is cut off by the figure's edge`);
  }
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      assert.ok(
        !overlaps(labels[i].corners, labels[j].corners),
        `${what}: labels ${labels[i].text} and ${labels[j].text} are drawn over each other`,
      );
    }
  }
}

describe('network diagram layout', () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [scenario, query] of [
    ['the default scenario', ''],
    ['12 brokers and 12 consumers', '?scenario=scale'],
  ]) {
    test(`${scenario}: wide at 1280 px, tall and readable at 390 px`, { timeout: 60_000 }, async () => {
      const { context, page, problems } = await openApp(browser, { width: 390, height: 844 }, query);
      try {
        await waitForReady(page, problems);
        await waitForContract(page, 'figure.network g.node.client text', problems, 'client labels');
        const phone = await labels(page);
        assert.equal(phone.shape, 'tall', 'at 390 px the diagram should be drawn tall');
        assertReadable(phone, 9, '390 px');
        await page.locator('figure.network').screenshot({
          path: join(ARTIFACTS_DIR, `network-390${query ? '-scale' : ''}.png`),
        });

        // The same page, resized: the diagram follows the window.
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.waitForSelector('figure.network[data-shape="wide"]', { timeout: 5_000 });
        const desktop = await labels(page);
        // A dozen consumers make the band taller rather than their names smaller.
        assertReadable(desktop, 9, '1280 px');
        assert.deepEqual(problems, [], 'the page logged errors');
      } finally {
        await context.close();
      }
    });
  }
});

// A consumer's position and a group's committed offset hang under their cell. A long name must
// not move its cell or push the rest of the log far along: a marker starts under its cell and
// is cut to a bounded width (the full name in its title), except at the log's end, where
// nothing follows it.
describe('markers under long names', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  const ahead = 'analytics-consumer-with-a-rather-long-name';
  const behind = 'billing-service-worker-with-a-rather-long-name';
  const scenario = {
    name: 'Long names',
    cluster: { brokers: 1 },
    topics: [{ name: 'names', partitions: 1, replication_factor: 1 }],
    producers: [{ id: 'p1' }],
    consumers: [
      { id: ahead, group: 'g-ahead', topics: ['names'], config: { 'auto.offset.reset': 'earliest' } },
      // One record per poll and a minute to process it: its position stays at offset 1.
      { id: behind, group: 'g-behind', topics: ['names'], processing_ms: 60000,
        config: { 'auto.offset.reset': 'earliest', 'max.poll.records': '1' } },
    ],
    script: [{ at_ms: 0, do: 'produce', producer: 'p1', topic: 'names', key: 'k{i}', value: 'v', count: 6 }],
  };

  test('a long name neither moves its cell nor pushes the log along', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 });
    try {
      await waitForReady(page, problems);
      await page.click('#edit-scenario');
      await page.waitForSelector('[data-testid="editor"]');
      await page.fill('#scenario-json', JSON.stringify(scenario));
      await page.click('#editor-apply');
      await waitForContract(page, '[data-testid="partition"][data-topic="names"]', problems, 'the applied scenario');
      await page.selectOption('#speed', '10');
      const part = '[data-testid="partition"][data-topic="names"]';
      await waitForContract(page, `${part} .log > .cell-wrap:last-child [data-testid="position"][data-consumer="${ahead}"]`,
        problems, 'the caught-up consumer at the log end', 20_000);
      await waitForContract(page, `${part} [data-testid="position"][data-consumer="${behind}"]`,
        problems, 'the lagging consumer mid-log', 20_000);
      await page.click('#play-toggle');

      const m = await page.$eval(part, (p, [ahead, behind]) => {
        const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; };
        const wraps = [...p.querySelectorAll('.log > .cell-wrap')];
        const tag = (name) => p.querySelector(`[data-testid="position"][data-consumer="${name}"]`);
        const cellOf = (t) => t.closest('.cell-wrap').querySelector('.cell');
        const info = (t) => ({ ...box(t), cell: box(cellOf(t)), title: t.title,
          cut: t.scrollWidth > t.clientWidth + 1, atEnd: t.closest('.cell-wrap') === wraps.at(-1) });
        return { cells: wraps.map((w) => box(w.querySelector('.cell'))), ahead: info(tag(ahead)), behind: info(tag(behind)) };
      }, [ahead, behind]);

      // Cells follow each other at the log's gap, but for the one with the lagging marker.
      const marked = m.cells.findIndex((c) => c.left === m.behind.cell.left);
      assert.ok(marked >= 0 && marked < m.cells.length - 1, 'the lagging marker should be under a record mid-log');
      for (let i = 1; i < m.cells.length; i++) {
        const step = m.cells[i].left - m.cells[i - 1].right;
        const most = i - 1 === marked ? 19 + 132 - 48 + 4 + 1 : 5;
        assert.ok(step >= 3 && step <= most,
          `cell ${i} starts ${step.toFixed(1)} px after cell ${i - 1} (at most ${most}): a marker pushed the log along`);
      }
      for (const [name, t] of [[ahead, m.ahead], [behind, m.behind]]) {
        assert.ok(t.left > t.cell.left && t.left < t.cell.right, `${name}'s marker should start under its cell`);
        assert.match(t.title, new RegExp(name), `${name}'s marker should name it in full in its title`);
      }
      assert.ok(m.behind.cut, 'the mid-log marker should be cut short');
      assert.ok(m.ahead.atEnd && !m.ahead.cut, 'the marker at the log end should show the whole name');
      await page.locator(part).screenshot({ path: join(ARTIFACTS_DIR, 'long-names-1280.png') });
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
});
