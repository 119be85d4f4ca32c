import { launchBrowser } from './e2e/browser.mjs';
const url = process.env.PLAYGROUND_URL;
const b = await launchBrowser();
async function shot(name, viewport, query, opts = {}) {
  const ctx = await b.newContext({ viewport, colorScheme: opts.dark ? 'dark' : 'light' });
  const p = await ctx.newPage();
  const errs = [];
  p.on('pageerror', (e) => errs.push(e.message));
  await p.goto(url + query);
  await p.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 15000 });
  await p.waitForTimeout(opts.wait ?? 2500);
  if (opts.act) await opts.act(p);
  await p.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: false });
  console.log(name, errs.length ? errs : 'ok');
  await ctx.close();
}
const openSeek = async (p) => {
  const c = p.locator('[data-testid="consumer"]').first();
  await c.scrollIntoViewIfNeeded();
  // keyboard: focus the disclosure and open it with Enter
  await c.locator('[data-testid="seek-open"]').focus();
  await p.keyboard.press('Enter');
  await p.waitForTimeout(400);
};
await shot('consumers-desktop', { width: 1280, height: 800 }, '', { act: openSeek });
await shot('consumers-dark-phone', { width: 390, height: 844 }, '', { dark: true, act: openSeek });
await shot('scale-groups', { width: 1280, height: 800 }, '?scenario=scale', { wait: 6000, act: async (p) => { await p.locator('[data-testid="groups-board"]').scrollIntoViewIfNeeded(); await p.waitForTimeout(800); } });
await b.close();
