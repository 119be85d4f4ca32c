import { launchBrowser } from './e2e/browser.mjs';
const b = await launchBrowser();
const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
const p = await ctx.newPage();
await p.goto(process.env.PLAYGROUND_URL + (process.env.Q || ''));
await p.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 15000 });
await p.waitForTimeout(1500);
for (const o of await p.locator('[data-testid="seek-open"]').all()) { await o.click(); }
await p.waitForTimeout(300);
console.log(await p.$$eval('select', (els) => els.map((e) => (e.getAttribute('aria-label') || e.id) + ': ' + e.value + ' [' + e.selectedIndex + '] of ' + e.options.length + (e.querySelector('option[selected]') ? '' : ' (no selected attr)'))).then((l) => l.join('\n')));
await b.close();
