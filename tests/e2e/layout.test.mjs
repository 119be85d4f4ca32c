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
