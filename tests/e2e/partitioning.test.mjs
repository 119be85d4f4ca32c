// End-to-end: records produced with a key land in the partition Kafka's default partitioner picks,
// toPositive(murmur2(utf8(key))) % numPartitions, computed here by an independent implementation.
//
// DOM contract (implemented by crates/web):
// - `main#app` gets `data-ready="1"` once the engine is loaded;
// - `#produce-key`, `#produce-value`, `#produce-one` (one record; empty key = keyless),
//   `#produce-burst` (10 records);
// - the default scenario has topic `orders` with 4 partitions, each rendered as
//   `[data-testid="partition"][data-topic="orders"][data-partition="P"]`, holding one
//   `[data-testid="record"]` per stored record with `data-offset` and `data-key` (absent or empty
//   when keyless);
// - simulated time plays by default and records appear after a short simulated delay.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, toPositive, utf8, partitionForKey } from './murmur2.mjs';
import {
  launchBrowser,
  openApp,
  waitForReady,
  waitForContract,
  screenshot,
  poll,
} from './browser.mjs';

const TOPIC = 'orders';
const PARTITIONS = 4;
const KEYS = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6', 'user-7', 'user-8', '21', 'foobar'];

describe('murmur2 (test oracle)', () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2.
  const vectors = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of vectors) {
    test(`murmur2(${JSON.stringify(input)}) = ${expected}`, () => {
      assert.equal(murmur2(utf8(input)), expected);
    });
  }

  test('toPositive clears the sign bit instead of negating', () => {
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(5), 5);
    assert.equal(toPositive(-973932308), -973932308 & 0x7fffffff);
  });
});

describe('in the browser', () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('page renders at desktop and phone sizes (screenshots)', { timeout: 60_000 }, async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const { context, page, problems } = await openApp(browser, viewport);
      try {
        await waitForReady(page, problems);
        await screenshot(page, `home-${viewport.width}x${viewport.height}.png`);
        assert.deepEqual(problems, [], 'the page logged errors');
      } finally {
        await context.close();
      }
    }
  });

  test('keyed records land in partition toPositive(murmur2(key)) % 4', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 });
    try {
      await waitForReady(page, problems);
      await waitForContract(page, '#produce-key', problems, 'key input');
      await waitForContract(page, '#produce-value', problems, 'value input');
      await waitForContract(page, '#produce-one', problems, 'produce-one button');
      const partitionSel = `[data-testid="partition"][data-topic="${TOPIC}"]`;
      await waitForContract(page, partitionSel, problems, `partitions of topic ${TOPIC}`);
      const partitionIds = await page.$$eval(partitionSel, (els) =>
        els.map((el) => el.getAttribute('data-partition')),
      );
      assert.deepEqual(
        partitionIds.map(Number).sort((a, b) => a - b),
        [...Array(PARTITIONS).keys()],
        `topic ${TOPIC} should show partitions 0..${PARTITIONS - 1}`,
      );

      for (const key of KEYS) {
        await page.fill('#produce-key', key);
        await page.fill('#produce-value', `value-of-${key}`);
        await page.click('#produce-one');
      }

      const readRecords = () =>
        page.$$eval(partitionSel, (parts) =>
          parts.flatMap((p) =>
            [...p.querySelectorAll('[data-testid="record"]')].map((r) => ({
              partition: Number(p.getAttribute('data-partition')),
              offset: r.getAttribute('data-offset'),
              key: r.getAttribute('data-key'),
            })),
          ),
        );
      const result = await poll(async () => {
        const records = await readRecords();
        const missing = KEYS.filter((k) => !records.some((r) => r.key === k));
        return { done: missing.length === 0, records, missing };
      });
      assert.deepEqual(
        result.missing,
        [],
        `records with these keys did not appear within 8s: ${result.missing.join(', ')} ` +
          `(${result.records.length} records seen)`,
      );

      for (const key of KEYS) {
        const expected = partitionForKey(key, PARTITIONS);
        const seen = [...new Set(result.records.filter((r) => r.key === key).map((r) => r.partition))];
        assert.deepEqual(seen, [expected], `key ${JSON.stringify(key)} should be in partition ${expected}`);
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const offsets = result.records.filter((r) => r.partition === p).map((r) => r.offset);
        for (const o of offsets) {
          assert.match(String(o), /^\d+$/, `partition ${p}: data-offset ${JSON.stringify(o)} is not an offset`);
        }
        assert.equal(new Set(offsets).size, offsets.length, `partition ${p}: duplicate offsets ${offsets}`);
      }
      await screenshot(page, 'partitioning-1280x800.png');
    } catch (err) {
      await screenshot(page, 'partitioning-failure.png').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
});
