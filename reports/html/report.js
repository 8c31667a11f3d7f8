// The HTML report's page: builds every table and plot from the two JSON
// blocks the reporter wrote (reports/html_reporter.h documents them).
//
// Everything shown comes from the code under test, so the DOM is built with
// createElement and textContent only: no string of the data is ever parsed
// as HTML. Plots are Chart.js (compiled into the report from Debian's
// libjs-chart.js); the few marks it has no chart type for (the warm-up band,
// the halves, the iteration whose output differed) are drawn by a small
// plugin on the chart's own scales.
(function () {
  'use strict';

  var run = JSON.parse(document.getElementById('phptrun-run').textContent);
  var cases = JSON.parse(document.getElementById('phptrun-cases').textContent);
  var VERDICTS = ['PASS', 'FAIL', 'SKIP', 'BORK', 'XFAIL', 'WARN', 'LEAK', 'XLEAK'];
  var PAGE = 500;  // rows rendered at a time: a run of 14,000 cases opens quickly
  var styles = getComputedStyle(document.documentElement);
  function color(name) { return styles.getPropertyValue('--' + name).trim() || '#888'; }
  var PHASE_COLORS = {
    SKIPIF: '#9e9e9e', RINIT: '#5c6bc0', compile: '#26a69a', execute: '#42a5f5',
    RSHUTDOWN: '#ab47bc', CLEAN: '#8d6e63', runner: '#ffb74d',
    'MINIT (restart for startup INI)': '#7e57c2', 'first run (reused process)': '#cfd8dc',
    'attribution (second pass)': '#f06292'
  };
  var OTHER_COLORS = ['#9ccc65', '#4dd0e1', '#ffd54f', '#a1887f', '#90a4ae'];
  function phaseColor(name) {
    if (PHASE_COLORS[name]) return PHASE_COLORS[name];
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return OTHER_COLORS[h % OTHER_COLORS.length];
  }

  // ---- small DOM helpers: text only ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'className') node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function verdictBadge(v) {
    var b = el('span', { className: 'verdict', text: v });
    b.style.setProperty('--c', color(v));
    return b;
  }
  function bytes(n) {
    var a = Math.abs(n);
    if (a < 1024) return n.toFixed(0) + ' B';
    if (a < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    if (a < 1073741824) return (n / 1048576).toFixed(1) + ' MiB';
    return (n / 1073741824).toFixed(1) + ' GiB';
  }
  function growthText(g, isBytes) {
    var sign = g >= 0 ? '+' : '';
    if (isBytes) return sign + bytes(g);
    return sign + (Math.abs(g) >= 10 || Math.abs(g - Math.round(g)) < 0.005 ? g.toFixed(0) : g.toFixed(2));
  }
  function value(v, isBytes) { return isBytes ? bytes(v) : String(v); }
  function ms(x) { return x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0); }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function caseLink(c, text) {
    var a = el('a', { href: '#case-' + c.id, text: text || c.name });
    return a;
  }
  // A shell word for the command line as the user typed it.
  function shellWord(s) { return /^[A-Za-z0-9_./=:,+@%-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'"; }

  // A diff as run-tests.php writes it: "001- expected" and "001+ actual" lines.
  function diffBlock(text) {
    var pre = el('pre', { className: 'diff' });
    text.split('\n').forEach(function (line) {
      var m = /^\d+([+-]) /.exec(line);
      var cls = m ? (m[1] === '-' ? 'expected' : 'actual') : '';
      var span = el('span', cls ? { className: cls, text: line } : { text: line });
      pre.appendChild(span);
      if (!cls) pre.appendChild(document.createTextNode('\n'));
    });
    return el('div', null, [
      el('div', { className: 'legend-inline key' }, [
        el('span', { className: 'expected', text: 'NNN- expected (EXPECT)' }),
        el('span', { className: 'actual', text: 'NNN+ actual output' })]),
      pre]);
  }
  function phaseBar(c) {
    var total = c.phases.reduce(function (s, p) { return s + p[1]; }, 0) || 1;
    var bar = el('div', { className: 'phasebar', role: 'img', 'aria-label': 'phases of this case' });
    var legend = el('div', { className: 'phase-legend' });
    c.phases.forEach(function (p) {
      var part = el('span', { title: p[0] + ': ' + ms(p[1]) + ' ms' });
      part.style.width = (100 * p[1] / total) + '%';
      part.style.background = phaseColor(p[0]);
      bar.appendChild(part);
      var swatch = el('i');
      swatch.style.background = phaseColor(p[0]);
      legend.appendChild(el('span', null, [swatch, p[0] + ' ' + ms(p[1]) + ' ms']));
    });
    return el('div', null, [bar, legend]);
  }

  // ---- Summary ----
  var counts = run.summary;
  document.getElementById('run-line').textContent =
    plural(cases.length, 'case') + ' · ' + run.duration_s.toFixed(1) + ' s · ' + run.started +
    (run.interrupted ? ' · INTERRUPTED' : '');
  var countBox = document.getElementById('verdict-counts');
  VERDICTS.forEach(function (v) {
    var b = el('button', { className: 'count' + (counts[v] ? '' : ' zero'), type: 'button',
                           'data-verdict': v, title: 'show the ' + v + ' cases' },
               [el('b', { text: String(counts[v] || 0) }), v]);
    b.style.setProperty('--c', color(v));
    b.addEventListener('click', function () { setFilter(v); location.hash = '#cases'; });
    countBox.appendChild(b);
  });
  var facts = [
    ['exit status', run.exit_status + (run.exit_status ? ' (a case FAILed, BORKed or LEAKed' +
                    (run.interrupted ? ', or the run was interrupted' : '') + ')' : ' (everything passed)')],
    ['duration', run.duration_s.toFixed(3) + ' s'],
    ['started', run.started],
    ['cases', cases.length + (run.total_cases !== cases.length ? ' of ' + run.total_cases + ' planned' : '')],
    ['command line', ['phptrun'].concat(run.arguments.map(shellWord)).join(' ')],
    ['workers', run.jobs + ' on a machine with ' + plural(run.cores, 'core')],
    ['versions', 'phptrun ' + run.phptrun + ', PHP ' + run.php + ' (embedded)'],
    ['supervisor memory', bytes(run.supervisor_max_rss_kb * 1024) + ' peak RSS']
  ];
  var factTable = document.getElementById('run-facts');
  facts.forEach(function (f) {
    factTable.appendChild(el('tr', null, [el('th', { text: f[0] }), el('td', { className: f[0] === 'command line' ? 'mono' : '', text: f[1] })]));
  });
  var slowTable = document.getElementById('slowest');
  slowTable.appendChild(el('tr', null, [el('th', { text: 'ms' }), el('th', { text: 'verdict' }), el('th', { text: 'case' })]));
  run.slowest.forEach(function (id) {
    var c = cases[id];
    slowTable.appendChild(el('tr', null, [el('td', { className: 'num', text: ms(c.ms) }),
      el('td', null, [verdictBadge(c.verdict)]),
      el('td', null, [caseLink(c), el('div', { className: 'case-file', text: c.file })])]));
  });

  // ---- Cases ----
  var filter = { verdict: '', query: '' };
  var shown = [];      // the cases that pass the filter
  var rendered = 0;    // how many of them have rows
  var tbody = document.getElementById('case-rows');
  var moreButton = document.getElementById('more-rows');
  var filterBox = document.getElementById('verdict-filter');
  var searchBox = document.getElementById('search');
  // Lower-cased text per case, built once, for the search.
  var haystack = cases.map(function (c) {
    return (c.name + '\n' + c.file + '\n' + c.reason + '\n' + (c.diff || '')).toLowerCase();
  });

  ['', 'PASS', 'FAIL', 'SKIP', 'BORK', 'XFAIL', 'WARN', 'LEAK', 'XLEAK'].forEach(function (v) {
    if (v && !counts[v]) return;
    var b = el('button', { type: 'button', 'data-verdict': v, 'aria-pressed': v ? 'false' : 'true',
                           text: (v || 'all') + ' ' + (v ? counts[v] : cases.length) });
    b.addEventListener('click', function () { setFilter(v); });
    filterBox.appendChild(b);
  });
  searchBox.addEventListener('input', function () { filter.query = searchBox.value.toLowerCase(); applyFilter(); });
  moreButton.addEventListener('click', function () { renderRows(PAGE); });

  function setFilter(v) {
    filter.verdict = v;
    Array.prototype.forEach.call(filterBox.children, function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-verdict') === v ? 'true' : 'false');
    });
    applyFilter();
  }
  function applyFilter() {
    shown = [];
    for (var i = 0; i < cases.length; i++) {
      if (filter.verdict && cases[i].verdict !== filter.verdict) continue;
      if (filter.query && haystack[i].indexOf(filter.query) < 0) continue;
      shown.push(cases[i]);
    }
    tbody.textContent = '';
    rendered = 0;
    renderRows(PAGE);
  }
  function renderRows(n) {
    var end = Math.min(shown.length, rendered + n);
    var frag = document.createDocumentFragment();
    for (; rendered < end; rendered++) frag.appendChild(caseRow(shown[rendered]));
    tbody.appendChild(frag);
    var left = shown.length - rendered;
    moreButton.hidden = left === 0;
    moreButton.textContent = 'Show ' + Math.min(PAGE, left) + ' more (' + left + ' not shown)';
    document.getElementById('case-count').textContent =
      shown.length + ' of ' + cases.length + ' cases' +
      (filter.verdict ? ' · verdict ' + filter.verdict : '') + (filter.query ? ' · matching the search' : '');
  }
  function caseRow(c) {
    var tr = el('tr', { className: 'case', id: 'case-' + c.id, 'data-verdict': c.verdict }, [
      el('td', null, [verdictBadge(c.verdict)]),
      el('td', null, [el('div', { className: 'case-name', text: c.name }), el('div', { className: 'case-file', text: c.file })]),
      el('td', { className: 'reason', text: c.reason }),
      el('td', { className: 'num', text: ms(c.ms) }),
      el('td', { className: 'num', text: String(c.worker) }),
      el('td', null, [el('a', { href: '#case-' + c.id, title: 'permalink to this case', text: '#' })])]);
    tr.addEventListener('click', function (e) {
      if (e.target.tagName === 'A') return;
      toggleDetail(tr, c);
    });
    return tr;
  }
  function toggleDetail(tr, c, open) {
    var next = tr.nextSibling;
    var isOpen = next && next.classList && next.classList.contains('detail');
    if (open === undefined) open = !isOpen;
    if (isOpen && !open) { next.remove(); tr.classList.remove('open'); }
    if (!isOpen && open) { tr.after(detailRow(c)); tr.classList.add('open'); }
  }
  function detailRow(c) {
    var box = el('td', { colspan: '6' });
    box.appendChild(el('div', { className: 'mono', text: c.file }));
    if (c.reason) box.appendChild(el('pre', { className: 'text', text: c.reason }));
    if (c.reused_verdict) {
      box.appendChild(el('p', { text: 'In a reused case process this case was ' + c.reused_verdict +
        '; run again in a fresh one it was ' + c.verdict + '.' }));
    }
    if (c.diff) box.appendChild(diffBlock(c.diff));
    if (c.phases.length) box.appendChild(phaseBar(c));
    if (c.resident) box.appendChild(el('p', null, [el('a', { href: '#resident-' + c.id, text: 'iteration plots of this resident case' })]));
    return el('tr', { className: 'detail' }, [box]);
  }

  // #case-N: show that case's row (whatever the filter), open it, scroll to it.
  function openFromHash() {
    var resident = /^#resident-(\d+)$/.exec(location.hash);
    if (resident) {
      var panel = document.getElementById('resident-' + resident[1]);
      if (panel) { panel.open = true; panel.scrollIntoView(); }
      return;
    }
    var m = /^#case-(\d+)$/.exec(location.hash);
    if (!m || !cases[+m[1]]) return;
    var c = cases[+m[1]];
    var index = shown.indexOf(c);
    if (index < 0) { filter.query = ''; searchBox.value = ''; setFilter(''); index = shown.indexOf(c); }
    if (index >= rendered) renderRows(index - rendered + 1);
    var tr = document.getElementById('case-' + c.id);
    Array.prototype.forEach.call(document.querySelectorAll('tr.case.target'), function (t) { t.classList.remove('target'); });
    tr.classList.add('target');
    toggleDetail(tr, c, true);
    tr.scrollIntoView({ block: 'center' });
  }
  window.addEventListener('hashchange', openFromHash);

  // ---- Resident cases ----
  // Marks Chart.js has no chart type for, drawn on the chart's scales: the
  // warm-up band, the boundary between the halves, the iteration whose
  // output first differed.
  var ruleMarks = {
    id: 'phptrunRuleMarks',
    beforeDatasetsDraw: function (chart, args, opts) {
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      var top = area.top + 12;
      if (opts.warmup > 0) {
        var right = x.getPixelForValue(opts.warmup + 0.5);
        ctx.fillStyle = 'rgba(120,130,145,0.18)';
        ctx.fillRect(area.left, area.top, right - area.left, area.bottom - area.top);
        ctx.fillStyle = '#5f6b7a';
        if (right - area.left > 110) {
          ctx.fillText('warm-up (ignored)', area.left + 4, top);
        } else {  // a narrow band: the label runs down inside it
          ctx.save();
          ctx.translate(area.left + 12, area.top + 4);
          ctx.rotate(Math.PI / 2);
          ctx.fillText('warm-up', 0, 0);
          ctx.restore();
        }
      }
      if (opts.secondHalf > 0) {
        var split = x.getPixelForValue(opts.secondHalf - 0.5);
        var start = x.getPixelForValue(opts.warmup + 0.5);
        ctx.strokeStyle = '#5f6b7a';
        ctx.setLineDash([4, 3]);
        ctx.beginPath(); ctx.moveTo(split, area.top); ctx.lineTo(split, area.bottom); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#5f6b7a';
        ctx.textAlign = 'center';
        ctx.fillText('1st half', (start + split) / 2, area.bottom - 6);
        ctx.fillText('2nd half', (split + area.right) / 2, area.bottom - 6);
        ctx.textAlign = 'start';
      }
      if (opts.differs > 0) {
        var at = x.getPixelForValue(opts.differs);
        ctx.strokeStyle = color('FAIL');
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); ctx.stroke();
        ctx.fillStyle = color('FAIL');
        ctx.fillText('output differs', Math.min(at + 4, area.right - 80), area.bottom - 20);
      }
      ctx.restore();
    }
  };

  // A byte axis tick with as many decimals as the tick step needs, so that
  // 3.10 MiB and 3.11 MiB do not both read "3.1 MiB".
  function byteTick(v, index, ticks) {
    var step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : Math.abs(v);
    var big = Math.max(Math.abs(ticks[0].value), Math.abs(ticks[ticks.length - 1].value));
    var units = [[1073741824, 'GiB'], [1048576, 'MiB'], [1024, 'KiB'], [1, 'B']];
    for (var u = 0; u < units.length; u++) {
      var unit = units[u][0];
      if ((big >= unit && step * 1000 >= unit) || unit === 1) {
        var digits = Math.max(0, Math.min(3, Math.ceil(-Math.log10(step / unit))));
        return (v / unit).toFixed(digits) + ' ' + units[u][1];
      }
    }
  }

  var RULE_COLOR = '#37474f';
  function metricChart(canvas, r, m) {
    var n = m.values.length;
    var points = m.values.map(function (v, i) { return { x: i + 1, y: v }; });
    var datasets = [{
      label: m.name, data: points, borderColor: m.leaking ? color('LEAK') : '#1b5fad',
      backgroundColor: m.leaking ? color('LEAK') : '#1b5fad', borderWidth: 1.5,
      pointRadius: n > 120 ? 0 : 2, pointHitRadius: 4, order: 0
    }];
    if (r.judged && m.growth !== undefined) {
      var w = r.warmup, h = r.second_half;
      // The highest value of each part, as a step across that part.
      datasets.push({
        label: 'highest of each part', data: [
          { x: 0.5, y: m.warmup_high }, { x: w + 0.5, y: m.warmup_high }, { x: w + 0.5, y: null },
          { x: w + 0.5, y: m.first_half_high }, { x: h - 0.5, y: m.first_half_high }, { x: h - 0.5, y: null },
          { x: h - 0.5, y: m.second_half_high }, { x: n + 0.5, y: m.second_half_high }],
        borderColor: RULE_COLOR, borderWidth: 1.5, borderDash: [5, 3], pointRadius: 0, spanGaps: false,
        pointStyle: 'line', order: 1
      });
      // The rule's growth: from the warm-up's high to the second half's,
      // over the iterations after warm-up.
      datasets.push({
        label: 'growth the rule computed: ' + growthText(m.growth, m.bytes) + '/iteration',
        data: [{ x: w, y: m.warmup_high }, { x: n, y: m.second_half_high }],
        borderColor: m.leaking ? 'rgba(0,0,0,0.8)' : '#90a4ae', borderWidth: m.leaking ? 2 : 1.5,
        pointRadius: 0, pointStyle: 'line', order: -1  // on top of the series
      });
    }
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
        scales: {
          x: { type: 'linear', min: 0.5, max: n + 0.5, title: { display: true, text: 'iteration' },
               ticks: { callback: function (v) { return Number.isInteger(v) ? v : ''; } } },
          y: { title: { display: true, text: m.bytes ? 'bytes' : 'count' },
               ticks: { precision: 0, callback: m.bytes ? byteTick : undefined } }
        },
        plugins: {
          legend: { display: r.judged && m.leaking, labels: { usePointStyle: true, boxWidth: 24, boxHeight: 7, font: { size: 11 } } },
          tooltip: { callbacks: {
            title: function (items) { return 'iteration ' + items[0].parsed.x; },
            label: function (item) { return item.dataset.label + ': ' + value(item.parsed.y, m.bytes); } } },
          phptrunRuleMarks: { warmup: r.warmup, secondHalf: r.judged ? r.second_half : 0, differs: r.output_differs },
          // Long runs: draw each pixel column's lowest and highest value only,
          // which keeps every high the rule looks at visible.
          decimation: { enabled: n > 2000, algorithm: 'min-max' }
        }
      },
      plugins: [ruleMarks]
    });
  }

  // What the rule found for one metric, in words.
  function ruleText(r, m) {
    if (!r.judged || m.growth === undefined) return 'not judged: the run did not complete enough iterations';
    var v = function (x) { return value(x, m.bytes); };
    var climbs = m.first_half_high > m.warmup_high && m.second_half_high > m.first_half_high;
    var words = 'highs: warm-up ' + v(m.warmup_high) + ', 1st half ' + v(m.first_half_high) +
                ', 2nd half ' + v(m.second_half_high) + ' → ' + (climbs ? 'each half sets a new high' : 'no new high in each half');
    if (m.leaking) return 'LEAK: grows ' + growthText(m.growth, m.bytes) + '/iteration after warm-up; ' + words;
    if (climbs && m.bytes) return 'within max_growth (' + bytes(r.max_growth) + '/iteration): ' + words;
    return words;
  }

  // Tables under the plots. Each entry: a title, the columns, and the rows
  // of a resident report; more (retained objects, ...) slot in here.
  var RESIDENT_TABLES = [
    {
      title: 'Where what stayed was allocated',
      rows: function (r) { return r.sites; },
      columns: [['function', function (s) { return s.function; }],
                ['file:line', function (s) { return s.file ? s.file + ':' + s.line : '(no PHP code)'; }],
                ['bytes', function (s) { return bytes(s.bytes); }, 'num'],
                ['blocks', function (s) { return String(s.count); }, 'num']],
      note: function (r) {
        return (r.attribution ? 'found by: ' + r.attribution + '. ' : '') +
               (r.retained.blocks ? 'All tracked blocks still live: ' + bytes(r.retained.bytes) + ' in ' + r.retained.blocks + '.' : '');
      }
    }
  ];
  function residentTables(r) {
    var box = el('div', { className: 'tables' });
    RESIDENT_TABLES.forEach(function (t) {
      var rows = t.rows(r) || [];
      var note = t.note ? t.note(r) : '';
      if (!rows.length && !note) return;
      box.appendChild(el('h4', { text: t.title }));
      if (note) box.appendChild(el('div', { className: 'key', text: note }));
      if (!rows.length) return;
      var table = el('table', { className: 'grid' });
      table.appendChild(el('tr', null, t.columns.map(function (col) { return el('th', { className: col[2] || '', text: col[0] }); })));
      rows.forEach(function (row) {
        table.appendChild(el('tr', null, t.columns.map(function (col) { return el('td', { className: col[2] || 'mono', text: col[1](row) }); })));
      });
      box.appendChild(table);
    });
    return box;
  }

  function residentPanel(c) {
    var r = c.resident;
    var panel = el('details', { className: 'resident-case', id: 'resident-' + c.id, 'data-case': String(c.id) });
    panel.style.setProperty('--c', color(c.verdict));
    panel.appendChild(el('summary', null, [verdictBadge(c.verdict), ' ', c.name, ' ',
      el('span', { className: 'muted', text: '· ' + r.mode + ', ' + r.completed + ' of ' + r.iterations + ' iterations' })]));
    var built = false;
    function build() {
      if (built) return;
      built = true;
      panel.appendChild(el('div', { className: 'case-file' }, [caseLink(c, c.file)]));
      if (c.reason) panel.appendChild(el('p', { className: 'verdict-line', text: c.reason }));
      panel.appendChild(el('div', { className: 'key', text:
        'warm-up: ' + r.warmup + ' iterations · max_growth: ' + bytes(r.max_growth) + '/iteration · ' +
        (r.iterations_per_s ? Math.round(r.iterations_per_s) + ' iterations/s' : '') }));
      if (r.output_differs > 0) {
        panel.appendChild(el('h4', { text: 'Output of iteration ' + r.output_differs + ' differs from iteration 1: state kept between iterations' }));
        if (c.diff) panel.appendChild(diffBlock(c.diff));
      }
      var plots = el('div', { className: 'plots' });
      // Leaking metrics first, then in the report's order.
      var metrics = r.metrics.slice().sort(function (a, b) { return (b.leaking ? 1 : 0) - (a.leaking ? 1 : 0); });
      metrics.forEach(function (m) {
        var canvas = el('canvas', { 'data-metric': m.name, 'data-points': String(m.values.length) });
        plots.appendChild(el('div', { className: 'plot' + (m.leaking ? ' leaking' : '') }, [
          el('h4', { text: m.name + (m.leaking ? ' — LEAK ' + growthText(m.growth, m.bytes) + '/iteration' : '') }),
          el('div', { className: 'rule', text: ruleText(r, m) }),
          el('div', { className: 'chart' }, [canvas])]));
        metricChart(canvas, r, m);
      });
      panel.appendChild(plots);
      panel.appendChild(residentTables(r));
    }
    panel.addEventListener('toggle', function () { if (panel.open) build(); });
    return panel;
  }

  var residentCases = cases.filter(function (c) { return c.resident; });
  var residentList = document.getElementById('resident-list');
  document.getElementById('resident-intro').textContent = residentCases.length
    ? 'Each plot is one metric after every iteration. The LEAK rule ignores the warm-up (shaded), splits the rest into ' +
      'two halves, and calls a metric leaking when each half reaches a new high above everything before it (dashed steps); ' +
      'for memory, the growth line from the warm-up\'s high to the second half\'s, per iteration after warm-up, must also ' +
      'exceed max_growth. Cases that did not pass are open.'
    : 'No case of this run was resident (a --RESIDENT-- section, or --repeat).';
  // Not-passing cases first.
  residentCases.sort(function (a, b) { return (a.verdict === 'PASS') - (b.verdict === 'PASS') || a.id - b.id; });
  // The first cases that did not pass open at once (not hundreds: each
  // draws nine plots); the others draw when opened.
  var OPEN_AT_ONCE = 20;
  residentCases.forEach(function (c, k) {
    var panel = residentPanel(c);
    residentList.appendChild(panel);
    if (c.verdict !== 'PASS' && k < OPEN_AT_ONCE) panel.open = true;
  });

  // ---- Where the time went ----
  function barChart(canvas, labels, datasets, xTitle, extra) {
    var options = {
      indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: xTitle }, stacked: datasets.length > 1 },
                y: { stacked: datasets.length > 1, ticks: { autoSkip: false, font: { size: 11 } } } },
      plugins: { legend: { display: datasets.length > 1 } }
    };
    Object.keys(extra || {}).forEach(function (k) { options[k] = extra[k]; });
    return new Chart(canvas, { type: 'bar', data: { labels: labels, datasets: datasets }, options: options });
  }
  function short(text, n) { return text.length > n ? '…' + text.slice(text.length - n + 1) : text; }

  barChart(document.getElementById('phase-totals'), run.phase_totals.map(function (p) { return p.name; }),
    [{ label: 'ms', data: run.phase_totals.map(function (p) { return p.ms; }),
       backgroundColor: run.phase_totals.map(function (p) { return phaseColor(p.name); }) }],
    'ms, summed over all cases');

  var slowIds = cases.slice().sort(function (a, b) { return b.ms - a.ms; }).slice(0, 20);
  var phaseNames = run.phase_totals.map(function (p) { return p.name; });
  barChart(document.getElementById('slowest-phases'), slowIds.map(function (c) { return short(c.file, 40); }),
    phaseNames.map(function (name) {
      return { label: name, backgroundColor: phaseColor(name), data: slowIds.map(function (c) {
        return c.phases.reduce(function (s, p) { return p[0] === name ? s + p[1] : s; }, 0); }) };
    }), 'ms', { onClick: function (e, items) { if (items.length) location.hash = '#case-' + slowIds[items[0].index].id; } });

  // The timeline: one row per worker, one floating bar per case.
  var workers = [];
  cases.forEach(function (c) { if (workers.indexOf(c.worker) < 0) workers.push(c.worker); });
  workers.sort(function (a, b) { return a - b; });
  document.getElementById('timeline-box').style.height = Math.max(160, 60 + 26 * workers.length) + 'px';
  var byVerdict = {};
  cases.forEach(function (c) {
    (byVerdict[c.verdict] = byVerdict[c.verdict] || []).push({ x: [c.start_ms / 1000, (c.start_ms + c.ms) / 1000], y: 'worker ' + c.worker, id: c.id });
  });
  barChart(document.getElementById('timeline'), workers.map(function (w) { return 'worker ' + w; }),
    VERDICTS.filter(function (v) { return byVerdict[v]; }).map(function (v) {
      return { label: v, data: byVerdict[v], backgroundColor: color(v), borderColor: '#fff', borderWidth: 0.5,
               barPercentage: 0.9, categoryPercentage: 1, grouped: false, minBarLength: 1 };
    }), 's since the run started',
    { scales: { x: { type: 'linear', min: 0, title: { display: true, text: 's since the run started' } },
                y: { ticks: { autoSkip: false } } },
      plugins: { legend: { display: true }, tooltip: { callbacks: {
        label: function (item) { var c = cases[item.raw.id]; return c.verdict + ' ' + c.file + ' (' + ms(c.ms) + ' ms)'; } } } },
      onClick: function (e, items, chart) {
        if (items.length) location.hash = '#case-' + chart.data.datasets[items[0].datasetIndex].data[items[0].index].id;
      } });

  var ext = document.getElementById('extensions');
  if (run.profile) {
    [['rinit', 'RINIT'], ['rshutdown', 'RSHUTDOWN']].forEach(function (k) {
      var stats = run.profile[k[0]].slice(0, 20);
      if (!stats.length) return;
      ext.appendChild(el('h3', { text: k[1] + ' by extension (mean per request, costliest first; ' +
        run.profile.requests + ' requests of ' + run.profile.traced_cases + ' traced cases)' }));
      var canvas = el('canvas');
      var box = el('div', { className: 'chart' }, [canvas]);
      box.style.height = Math.max(140, 40 + 20 * stats.length) + 'px';
      ext.appendChild(box);
      barChart(canvas, stats.map(function (s) { return s.name; }),
        [{ label: 'mean µs', data: stats.map(function (s) { return s.mean_us; }), backgroundColor: phaseColor(k[1]) }],
        'µs per request (mean)');
    });
  } else {
    ext.appendChild(el('p', { className: 'muted', text:
      'RINIT and RSHUTDOWN per extension need the lifecycle tracer\'s spans: run with --profile or --trace.' }));
  }

  applyFilter();
  openFromHash();
  document.documentElement.setAttribute('data-ready', 'true');
})();
