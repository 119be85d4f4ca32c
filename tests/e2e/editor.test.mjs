// End-to-end: the scenario editor's file import and export against the release build.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launchBrowser, openApp, waitForReady, screenshot } from './browser.mjs';

describe('scenario editor', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('import a scenario file, apply it, export it again', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openApp(browser, { width: 1280, height: 800 });
    try {
      await waitForReady(page, problems);
      await page.click('#play-toggle');
      await page.click('#edit-scenario');
      await page.waitForSelector('[data-testid="editor"]');
      const mine = {
        name: 'Imported',
        topics: [{ name: 'imported', partitions: 3, replication_factor: 2 }],
        producers: [{ id: 'p1' }],
      };
      await page.setInputFiles('#editor-import', {
        name: 'imported.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(mine)),
      });
      await page.waitForFunction(() => document.getElementById('scenario-json').value.includes('"Imported"'));
      assert.match(await page.textContent('[data-testid="editor-note"]'), /Imported imported\.json/);
      await page.waitForSelector('[data-testid="editor-status"]');
      await screenshot(page, 'editor-1280x800.png');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#editor-export')]);
      assert.equal(download.suggestedFilename(), 'imported.json');
      const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
      assert.equal(exported.name, 'Imported');

      await page.click('#editor-apply');
      await page.waitForSelector('[data-testid="partition"][data-topic="imported"][data-partition="2"]', { state: 'attached' });
      assert.equal(await page.locator('[data-testid="editor"]').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
