import { launchBrowser } from './e2e/browser.mjs';
const url = process.env.PLAYGROUND_URL;
const b = await launchBrowser();
const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
await page.goto(url + '?scenario=scale');
await page.waitForSelector('main#app[data-ready="1"]', { state: 'attached', timeout: 60000 });
await page.waitForTimeout(+process.env.WARM || 15000);
const res = await page.evaluate(async () => {
  const counts = new Map();
  const key = (n) => { let e = n.nodeType === 1 ? n : n.parentElement; const path = []; 
    while (e && e !== document.body) { if (e.dataset && e.dataset.testid) path.push(e.dataset.testid); else if (e.classList && e.classList.contains('card')) path.push('card.' + [...e.classList].join('.')); e = e.parentElement; }
    return path.reverse().slice(0, 3).join(' > '); };
  const mo = new MutationObserver((ms) => { for (const m of ms) { const k = key(m.target) + ' [' + m.type + (m.attributeName ? ':' + m.attributeName : '') + ']'; counts.set(k, (counts.get(k) || 0) + 1); } });
  mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  await new Promise((r) => setTimeout(r, 2000));
  mo.disconnect();
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40);
});
for (const [k, v] of res) console.log(String(v).padStart(7), k);
await b.close();
