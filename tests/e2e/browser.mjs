// Shared helpers for the end-to-end tests: launch Debian's Chromium through playwright-core with
// the same flags as the wasm-bindgen browser tests (webdriver.json), open the app served by
// `cargo xtask test`, and save screenshots under tests/artifacts/.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
export const ARTIFACTS_DIR = process.env.PLAYGROUND_ARTIFACTS ?? join(REPO_ROOT, 'tests', 'artifacts');

/** Base URL of the built app (dist/), set by `cargo xtask test`. */
export function baseUrl() {
  const url = process.env.PLAYGROUND_URL;
  if (!url) {
    throw new Error(
      'PLAYGROUND_URL is not set: run the end-to-end tests with `cargo xtask test`, ' +
        'or serve dist/ yourself and set PLAYGROUND_URL=http://127.0.0.1:PORT/',
    );
  }
  return url;
}

/** Chromium flags from webdriver.json. Playwright adds its own headless flag, so drop ours. */
function chromiumArgs() {
  const json = JSON.parse(readFileSync(join(REPO_ROOT, 'webdriver.json'), 'utf8'));
  const args = json['goog:chromeOptions']?.args ?? [];
  return args.filter((a) => !a.startsWith('--headless'));
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs(),
    timeout: 30_000,
  });
}

/**
 * Opens the app in a new page of the given viewport and collects console errors and uncaught
 * exceptions, so a failing test can say what the page complained about. `query` is appended to
 * the base URL, e.g. `?scenario=transactions` to open a preset.
 */
export async function openApp(browser, viewport = { width: 1280, height: 800 }, query = '') {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  await page.goto(new URL(query, baseUrl()).href, { waitUntil: 'load', timeout: 15_000 });
  return { context, page, problems };
}

function describeProblems(problems) {
  return problems.length ? `\npage errors:\n  ${problems.join('\n  ')}` : '';
}

/**
 * Waits for `main#app[data-ready="1"]`, then for a link's or saved workspace's replay to finish
 * (one longer than a quarter second goes on across frames under `[data-testid="restoring"]`),
 * failing with a clear message instead of hanging.
 */
export async function waitForReady(page, problems, timeout = 10_000) {
  try {
    await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout });
  } catch {
    throw new Error(
      `timed out after ${timeout / 1000}s waiting for main#app[data-ready="1"] ` +
        `(the app sets it once the engine is loaded)${describeProblems(problems)}`,
    );
  }
  try {
    await page.waitForSelector('[data-testid="restoring"]', { state: 'detached', timeout: 60_000 });
  } catch {
    throw new Error(`the replay of the link or saved workspace did not finish in 60 s${describeProblems(problems)}`);
  }
}

/** Waits for an element of the DOM contract, naming it when it never shows up. */
export async function waitForContract(page, selector, problems, what, timeout = 5_000) {
  try {
    return await page.waitForSelector(selector, { state: 'attached', timeout });
  } catch {
    throw new Error(
      `timed out after ${timeout / 1000}s waiting for ${selector} (${what})${describeProblems(problems)}`,
    );
  }
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Polls `fn` until it returns a truthy value or the timeout expires; returns the last value. */
export async function poll(fn, { timeout = 8_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last?.done || Date.now() >= deadline) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
}
