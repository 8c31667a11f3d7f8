// Checks phptrun's HTML report in Debian's headless Chromium, against the
// JSON report of the same run:
//
//   node tests/e2e/html_check.js REPORT.html REPORT.json [--screenshot FILE.png]
//   node tests/e2e/html_check.js REPORT.html REPORT.json --paging   (a run of > 500 cases)
//
// (playwright-core from tests/e2e/browser/package.json, found through
// NODE_PATH; tests/e2e/html_test.sh sets it up.) It asserts that
//   * the page built itself without errors and made no network request;
//   * the case rows are the run's cases: same count, files and verdicts;
//   * every resident case has one plot per metric, each with as many points
//     as the case completed iterations; the LEAK rule's lines are on the
//     leaking metrics; the state-leak FAIL names its first differing iteration;
//   * the verdict filter and the search, used by clicking and typing, show
//     exactly the matching rows, and a permalink opens its case;
//   * no script of the hostile cases ran (title and globals unchanged) and
//     their names and output are on the page as text;
//   * bytes that are not text show as escapes ([[0x00]], [[0x0d]], \xe9).
// With --screenshot it saves a picture of the LEAK case's plots (README).
// With --paging it checks only how a run of more than 500 cases is drawn.
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const [htmlPath, jsonPath] = process.argv.slice(2, 4);
const shotAt = process.argv.indexOf('--screenshot');
const screenshot = shotAt > 0 ? process.argv[shotAt + 1] : '';
const report = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
const tests = report.tests;

let failures = 0;
function check(ok, what) {
  if (ok) {
    console.log('ok   ' + what);
  } else {
    console.log('FAIL ' + what);
    failures++;
  }
}

function finish() {
  if (failures) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

// A run of more cases than the page draws at once (500): "Show more" draws
// the next 500, and a permalink to a case beyond them draws up to it.
async function checkPaging(page) {
  const count = () => page.$$eval('#case-rows tr.case', (t) => t.length);
  check(tests.length > 500, `the paging run has more than 500 cases (${tests.length})`);
  check(await count() === 500, 'the first 500 rows are drawn');
  check(!(await page.$eval('#more-rows', (b) => b.hidden)), '"Show more" is offered');
  await page.click('#more-rows');
  check(await count() === Math.min(1000, tests.length), '"Show more" draws the next 500');
  const last = tests.length - 1;
  await page.evaluate((id) => { location.hash = '#case-' + id; }, last);
  await page.waitForSelector(`#case-${last}.open`);
  check(await count() === tests.length, 'a permalink to the last case draws the rows up to it');
  check(await page.$eval('#more-rows', (b) => b.hidden), '"Show more" is gone when every row is drawn');
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const requests = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });

  const started = Date.now();
  await page.goto('file://' + fs.realpathSync(htmlPath));
  try {
    await page.waitForSelector('html[data-ready="true"]', { timeout: 60000 });
  } catch (e) {
    const state = await page.evaluate(() => ({ title: document.title, pwned: window.phptrunPwned }));
    console.log('FAIL the page did not finish building itself: ' +
                JSON.stringify({ errors, title: state.title, pwned: state.pwned }));
    await browser.close();
    process.exit(1);
  }
  console.log(`# page ready after ${Date.now() - started} ms`);
  check(errors.length === 0, 'no script errors: ' + JSON.stringify(errors));
  check(requests.length === 0, 'no network requests: ' + JSON.stringify(requests));

  if (process.argv.includes('--paging')) {
    await checkPaging(page);
    await browser.close();
    finish();
    return;
  }

  // --- no injected script ran ---
  const state = await page.evaluate(() => ({ title: document.title, pwned: window.phptrunPwned }));
  check(state.title === 'phptrun report', 'document.title untouched: ' + JSON.stringify(state.title));
  check(state.pwned === undefined, 'no hostile global set: ' + JSON.stringify(state.pwned));
  check(dialogs.length === 0, 'no dialogs opened');

  // --- case rows = the run's cases ---
  const rows = await page.$$eval('#case-rows tr.case', (trs) => trs.map((tr) => ({
    verdict: tr.getAttribute('data-verdict'),
    file: tr.querySelector('.case-file').textContent,
    name: tr.querySelector('.case-name').textContent,
  })));
  check(rows.length === tests.length, `${rows.length} case rows for ${tests.length} cases`);
  check(rows.every((r, i) => tests[i] && r.file === tests[i].file && r.verdict === tests[i].verdict),
        'rows list the JSON report\'s files and verdicts, in its order');
  const verdicts = new Set(tests.map((t) => t.verdict));
  for (const v of ['PASS', 'FAIL', 'SKIP', 'BORK', 'LEAK']) check(verdicts.has(v), `the fixture run has a ${v}`);

  // The hostile names are shown as the text they are.
  const hostileName = tests.find((t) => t.file.endsWith('hostile-script.phpt')).name;
  check(hostileName.includes('</script><script>'), 'the hostile name reached the JSON report');
  check(rows.some((r) => r.name === hostileName), 'the hostile name is a row\'s text, verbatim');
  const scripts = await page.$$eval('script', (s) => s.length);
  check(scripts === 4, `exactly the page's 4 script elements exist (found ${scripts})`);
  const injected = await page.$$eval('img, iframe, object, embed', (n) => n.length);
  check(injected === 0, 'no element came from the data (img, iframe, object, embed)');

  // --- bytes made visible: open the hostile-bytes case ---
  const bytesId = await page.$$eval('#case-rows tr.case', (trs) =>
    trs.findIndex((tr) => tr.querySelector('.case-file').textContent.endsWith('hostile-bytes.phpt')));
  await page.click(`#case-rows tr.case:nth-of-type(${bytesId + 1}) .case-name`);
  const diff = await page.textContent('tr.detail pre.diff');
  for (const shown of ['nul[[[0x00]]]', 'cr[[[0x0d]]]', 'del[[[0x7f]]]', 'esc[[[0x1b]]', 'latin1[caf\\xe9]', 'truncated[\\xe2\\x82]', 'ls[\u2028]']) {
    check(diff.includes(shown), 'the diff shows ' + JSON.stringify(shown));
  }
  check(await page.$$eval('tr.detail pre.diff .actual', (n) => n.length) > 0, 'actual lines are marked (coloured)');
  check(await page.$$eval('tr.detail pre.diff .expected', (n) => n.length) > 0, 'expected lines are marked (coloured)');
  const hostileOut = await page.evaluate(() => document.body.textContent.includes('<img src=x onerror='));
  check(hostileOut, 'the <img onerror> name is on the page as text');

  // --- the verdict filter, by clicking ---
  for (const v of ['FAIL', 'SKIP', 'LEAK']) {
    await page.click(`#verdict-filter button[data-verdict="${v}"]`);
    const shown = await page.$$eval('#case-rows tr.case', (trs) => trs.map((tr) => tr.getAttribute('data-verdict')));
    const want = tests.filter((t) => t.verdict === v).length;
    check(shown.length === want && shown.every((s) => s === v), `filter ${v}: ${shown.length} rows, all ${v} (want ${want})`);
  }
  await page.click('#verdict-filter button[data-verdict=""]');
  check(await page.$$eval('#case-rows tr.case', (t) => t.length) === tests.length, 'filter "all" shows every case again');

  // --- the search, by typing ---
  await page.fill('#search', 'RESIDENT');
  const found = await page.$$eval('#case-rows tr.case .case-file', (n) => n.map((x) => x.textContent));
  const want = tests.filter((t) => (t.name + '\n' + t.file + '\n' + t.reason).toLowerCase().includes('resident'));
  check(found.length === want.length && want.every((t) => found.includes(t.file)),
        `search "RESIDENT": ${found.length} rows (want ${want.length})`);
  await page.fill('#search', 'no such case anywhere');
  check(await page.$$eval('#case-rows tr.case', (t) => t.length) === 0, 'a search matching nothing shows no rows');
  await page.fill('#search', '');

  // --- a permalink opens its case, whatever the filter ---
  await page.click('#verdict-filter button[data-verdict="PASS"]');
  const bork = tests.findIndex((t) => t.verdict === 'BORK');
  await page.evaluate((id) => { location.hash = '#case-' + id; }, bork);
  await page.waitForSelector(`#case-${bork}.open`);
  const borkDetail = await page.textContent(`#case-${bork} + tr.detail`);
  check(borkDetail.includes(tests[bork].reason), 'the permalink opened the BORK case with its reason');

  // --- resident cases: one plot per metric, one point per iteration ---
  await page.$$eval('details.resident-case', (ds) => ds.forEach((d) => { d.open = true; }));
  const residents = tests.map((t, id) => ({ t, id })).filter((x) => x.t.resident);
  check(residents.length >= 3, `${residents.length} resident cases in the fixture run`);
  for (const { t, id } of residents) {
    const plots = await page.evaluate((caseId) => {
      const panel = document.getElementById('resident-' + caseId);
      return Array.from(panel.querySelectorAll('canvas')).map((canvas) => {
        const chart = Chart.getChart(canvas);
        return { metric: canvas.getAttribute('data-metric'), datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) };
      });
    }, id);
    const metrics = Object.keys(t.resident.series);
    check(plots.length === metrics.length, `${t.file}: ${plots.length} plots for ${metrics.length} metrics`);
    const r = t.resident;
    const marks = await page.evaluate((caseId) => {
      const canvas = document.querySelector('#resident-' + caseId + ' canvas');
      return Chart.getChart(canvas).options.plugins.phptrunRuleMarks;
    }, id);
    if (r.checkpoints.length) {
      check(JSON.stringify(marks.checkpoints) === JSON.stringify(r.checkpoints),
            `${t.file}: the checkpoint lines ${JSON.stringify(marks.checkpoints)} are the JSON's checkpoints`);
    }
    for (const p of plots) {
      const series = r.series[p.metric] || [];
      const points = p.datasets[0].data;
      check(points.length === r.completed && series.length === r.completed &&
            points.every((pt, i) => pt.x === i + 1 && pt.y === series[i]),
            `${t.file} ${p.metric}: ${points.length} points = ${r.completed} iterations run, values as in the JSON`);
      if (!r.checkpoints.length) continue;
      const at = r.checkpoints;
      // The dashed steps: each interval's highest value, checked against the
      // JSON's series (interval j: iterations at[j-1]+1 .. at[j]).
      const steps = p.datasets.find((d) => d.label === 'highest of each interval');
      check(steps !== undefined, `${t.file} ${p.metric}: the interval highs are drawn`);
      if (steps) {
        const highs = steps.data.filter((pt, i) => i % 3 === 0).map((pt) => pt.y);
        const want = at.map((b, j) => Math.max(...series.slice(j === 0 ? 0 : at[j - 1], b)));
        check(JSON.stringify(highs) === JSON.stringify(want),
              `${t.file} ${p.metric}: the interval highs ${JSON.stringify(highs)} are the series' maxima`);
      }
      const growth = p.datasets.find((d) => d.label.startsWith('growth over the last K/2'));
      check(growth !== undefined, `${t.file} ${p.metric}: the rule's growth line is drawn`);
      if (growth) {
        const [a, b] = growth.data;
        const slope = (b.y - a.y) / (b.x - a.x);
        check(Math.abs(slope - r.growth[p.metric]) < 0.001 + 1e-6 * Math.abs(slope) &&
              a.x === at[at.length - 1 - Math.floor((at.length - 1) / 2)] && b.x === at[at.length - 1],
              `${t.file} ${p.metric}: its slope ${slope} over ${a.x}..${b.x} is the JSON's growth ${r.growth[p.metric]}`);
      }
    }
    // The trend words: a leaking metric says "growing".
    const heads = await page.$$eval(`#resident-${id} .plot h4`, (h) => h.map((x) => x.textContent));
    for (const m of r.leaking) {
      check(heads.some((h) => h.startsWith(m + ' — growing') && h.includes('LEAK')), `${t.file}: ${m}'s plot says growing, LEAK`);
    }
    // The retainers table: the JSON's retainers, row for row.
    const table = await page.evaluate((caseId) => {
      const h = Array.from(document.querySelectorAll('#resident-' + caseId + ' .tables h4'))
        .find((x) => x.textContent.startsWith('What holds it'));
      if (!h) return null;
      let t = h.nextElementSibling;
      while (t && t.tagName !== 'TABLE') t = t.nextElementSibling;
      return Array.from(t.querySelectorAll('tr')).slice(1).map((tr) => ({
        leaking: tr.classList.contains('leaking'),
        cells: Array.from(tr.children).map((td) => td.textContent) }));
    }, id);
    if (r.retainers.length) {
      const fmt = (n) => { const a = Math.abs(n); return a < 1024 ? n.toFixed(0) + ' B' : a < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB'; };
      check(table !== null && table.length === r.retainers.length &&
            table.every((row, i) => {
              const p = r.retainers[i];
              return row.cells[0] === p.path && row.leaking === p.leaking && row.cells[1].startsWith(p.trend) &&
                     p.items.every((n, j) => row.cells[2 + j] === n + '\n' + fmt(p.bytes[j]));
            }),
            `${t.file}: the retainers table rows are the JSON's ${r.retainers.length} retainers (path, trend, items and bytes per checkpoint)`);
    } else {
      check(table === null, `${t.file}: no retainers, no table`);
    }
  }
  const leakCase = tests.find((t) => t.verdict === 'LEAK' && t.file.endsWith('resident-leak.phpt'));
  check(leakCase.resident.retainers.some((p) => p.leaking && p.path.includes('Cache::$items')),
        'the LEAK case\'s leaking retainer is Cache::$items');
  const stateLeak = tests.findIndex((t) => t.file.endsWith('resident-state-leak.phpt'));
  const stateText = await page.textContent(`#resident-${stateLeak}`);
  check(stateText.includes('Output of iteration 5 differs from iteration 1'), 'the state-leak FAIL names iteration 5');
  check((await page.$$(`#resident-${stateLeak} pre.diff`)).length === 1, 'and shows its diff');

  // --- a fresh-worker FAIL: k and both outputs ---
  const freshId = tests.findIndex((t) => t.file.endsWith('resident-fresh-leak.phpt'));
  const fresh = tests[freshId];
  check(fresh.verdict === 'FAIL' && fresh.resident.fresh.differs === 2, 'the fresh-worker case FAILs at request 2 (JSON)');
  const freshText = await page.textContent(`#resident-${freshId} h4.fresh-differs`);
  check(freshText.includes('Request 2 differs from a fresh worker serving request 2'), 'its panel names request 2');
  check(await page.textContent(`#resident-${freshId} pre.fresh`) === '<h1>Home</h1>', 'it shows the fresh worker\'s output');
  check(await page.textContent(`#resident-${freshId} pre.served`) === '<h1>Home</h1><p>Welcome back!</p>',
        'and the long-lived worker\'s output');

  // --- an extended run ---
  const extId = tests.findIndex((t) => t.file.endsWith('resident-extended.phpt'));
  const ext = tests[extId].resident;
  check(ext.extended && ext.extended.from === 36 && ext.completed === 72, `the extended case ran 72 iterations, extended from 36 (JSON: ${JSON.stringify(ext.extended)}, ${ext.completed})`);
  const extSummary = await page.textContent(`#resident-${extId} summary`);
  check(extSummary.includes('72 of 72 iterations (extended from 36)'), 'its summary says extended from 36: ' + extSummary);
  const extHeads = await page.$$eval(`#resident-${extId} .plot h4`, (h) => h.map((x) => x.textContent));
  check(extHeads.some((h) => h === 'objects — bounded: stopped growing at iteration 30'), 'its objects plot says bounded at iteration 30: ' + JSON.stringify(extHeads));

  // --- where the time went ---
  const timeline = await page.evaluate(() => Chart.getChart(document.getElementById('timeline')).data.datasets
    .reduce((n, d) => n + d.data.length, 0));
  check(timeline === tests.length, `the workers' timeline has a bar per case (${timeline})`);
  const extensions = await page.$$eval('#extensions canvas', (c) => c.length);
  check(extensions === 2, 'RINIT and RSHUTDOWN per extension are charted (the run used --profile)');

  // --- after all that, still nothing ran ---
  const after = await page.evaluate(() => ({ title: document.title, pwned: window.phptrunPwned }));
  check(after.title === 'phptrun report' && after.pwned === undefined, 'still no injected script ran');
  check(errors.length === 0, 'no script errors while using the page: ' + JSON.stringify(errors));

  if (screenshot) {
    // Tall enough that the clip below lies inside the viewport. The picture
    // is the LEAK case's panel down to its retainers table; its flat
    // metrics' plots are left out (README says so) to keep it small.
    await page.setViewportSize({ width: 1100, height: 2400 });
    await page.click('#verdict-filter button[data-verdict=""]');
    const leak = tests.findIndex((t) => t.verdict === 'LEAK');
    const panel = page.locator(`#resident-${leak}`);
    await page.evaluate((id) => {
      document.querySelector('header').style.position = 'static';
      document.querySelectorAll('#resident-' + id + ' .plot:not(.leaking)').forEach((p) => { p.style.display = 'none'; });
      document.getElementById('resident-' + id).scrollIntoView();
    }, leak);
    const box = await panel.boundingBox();
    const plots = await page.locator(`#resident-${leak} .plot.leaking`).last().boundingBox();
    const tables = await page.locator(`#resident-${leak} .tables table`).first().boundingBox();
    const bottom = tables ? tables.y + tables.height : plots.y + plots.height;
    await page.screenshot({ path: screenshot, clip: { x: box.x, y: box.y, width: box.width, height: bottom + 8 - box.y } });
    console.log('# screenshot: ' + screenshot);
  }
  await browser.close();
  finish();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
