import { launchBrowser } from './e2e/browser.mjs';
const url = process.env.PLAYGROUND_URL;
const b = await launchBrowser();
const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
await page.goto(url + (process.env.Q || '?scenario=scale'));
await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 60000 });
for (let i = 0; i < 8; i++) { await page.waitForTimeout(2000); console.log(i * 2 + 2, 's', JSON.stringify(await page.evaluate(() => (window.__kpFrame || []).map((x) => +x.toFixed(2))))); }
await b.close();
