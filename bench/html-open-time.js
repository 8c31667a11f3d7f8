// How long an HTML report takes to open, and to filter and search, in
// Debian's headless Chromium (docs/html-report.md, "Size and speed"):
//
//   NODE_PATH=build/browser/node_modules node bench/html-open-time.js REPORT.html [OPENS]
//
// Prints, per open, the time from navigation to the page being built (its
// data parsed, the first 500 rows, the plots of open resident cases and the
// charts drawn), the JS heap, and the time of one verdict filter click and
// one search. Give the load average (uptime) with any figure you quote.
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

(async () => {
  const file = 'file://' + fs.realpathSync(process.argv[2]);
  const opens = Number(process.argv[3] || 3);
  console.log(`${process.argv[2]}: ${fs.statSync(process.argv[2]).size} bytes`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
  });
  for (let k = 0; k < opens; k++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const t0 = Date.now();
    await page.goto(file, { waitUntil: 'commit' });
    await page.waitForSelector('html[data-ready="true"]', { timeout: 300000 });
    const opened = Date.now() - t0;
    const rows = await page.locator('#case-rows tr.case').count();
    const heap = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
    const t1 = Date.now();
    await page.click('#verdict-filter button[data-verdict="FAIL"]');
    const t2 = Date.now();
    await page.fill('#search', 'closure');
    const t3 = Date.now();
    console.log(`open ${opened} ms (${rows} rows drawn, JS heap ${(heap / 1048576).toFixed(1)} MiB), ` +
                `filter ${t2 - t1} ms, search ${t3 - t2} ms, script errors ${errors.length}`);
    await page.close();
  }
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
