import { launchBrowser } from './e2e/browser.mjs';
const b = await launchBrowser();
const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
const p = await ctx.newPage();
await p.goto(process.env.PLAYGROUND_URL);
await p.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 15000 });
await p.waitForTimeout(1500);
const opener = p.locator('[data-testid="seek-open"]').first();
if (await opener.count()) { await opener.click(); await p.waitForTimeout(300); }
console.log(await p.$$eval('select[aria-label="seek to"]', (els) => els.map((e) => e.value + ' idx ' + e.selectedIndex)));
await b.close();
