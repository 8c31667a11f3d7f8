// The HTML report's page: builds every table and plot from the two JSON
// blocks the reporter wrote (reports/html_reporter.h documents them).
//
// Everything shown comes from the code under test, so the DOM is built with
// createElement and textContent only: no string of the data is ever parsed
// as HTML. Plots are Chart.js (compiled into the report from Debian's
// libjs-chart.js); the few marks it has no chart type for (the warm-up band,
// the checkpoints, the last K/2 intervals, the iteration whose output
// differed) are drawn by a small plugin on the chart's own scales.
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
  // warm-up band, the checkpoints (a vertical line after each interval),
  // the last K/2 intervals the trend is read from (each marked rose or not),
  // and the iteration whose output first differed.
  var ruleMarks = {
    id: 'phptrunRuleMarks',
    beforeDatasetsDraw: function (chart, args, opts) {
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      var at = opts.checkpoints || [];
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      var top = area.top + 12;
      if (at.length > 1 && opts.tailFrom > 0) {  // the last K/2 intervals
        var from = x.getPixelForValue(at[opts.tailFrom - 1] + 0.5);
        ctx.fillStyle = 'rgba(255,193,7,0.10)';
        ctx.fillRect(from, area.top, area.right - from, area.bottom - area.top);
      }
      if (opts.warmup > 0) {
        var right = x.getPixelForValue(opts.warmup + 0.5);
        ctx.fillStyle = 'rgba(120,130,145,0.20)';
        ctx.fillRect(area.left, area.top, right - area.left, area.bottom - area.top);
        ctx.fillStyle = '#5f6b7a';
        if (right - area.left > 110) {
          ctx.fillText('warm-up (ignored)', area.left + 4, top);
        } else {  // a narrow band: the label runs down inside it
          ctx.save();
          ctx.translate(area.left + 4, area.top + 4);
          ctx.rotate(Math.PI / 2);
          ctx.fillText('warm-up', 0, 0);
          ctx.restore();
        }
      }
      if (at.length > 1) {
        ctx.strokeStyle = '#8a96a6';
        ctx.setLineDash([3, 3]);
        at.forEach(function (b, j) {
          var px = x.getPixelForValue(b + 0.5);
          ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        });
        ctx.setLineDash([]);
        // Over each of the last K/2 intervals: did it rise?
        ctx.textAlign = 'center';
        for (var j = opts.tailFrom; j > 0 && j < at.length; j++) {
          var left = x.getPixelForValue(at[j - 1] + 0.5), width = x.getPixelForValue(at[j] + 0.5) - left;
          var rose = opts.rose && opts.rose[j];
          ctx.fillStyle = rose ? color('LEAK') : '#5f6b7a';
          ctx.font = (rose ? 'bold ' : '') + '11px system-ui, sans-serif';
          var word = rose ? '▲ rose' : 'no rise';
          // A narrow interval (a small plot) gets the mark alone.
          if (ctx.measureText(word).width + 4 > width) word = rose ? '▲' : '–';
          ctx.fillText(word, left + width / 2, area.bottom - 6);
        }
        ctx.textAlign = 'start';
      }
      if (opts.differs > 0) {
        var d = x.getPixelForValue(opts.differs);
        ctx.strokeStyle = color('FAIL');
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(d, area.top); ctx.lineTo(d, area.bottom); ctx.stroke();
        ctx.fillStyle = color('FAIL');
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillText(opts.differsLabel, Math.min(d + 4, area.right - 120), area.bottom - 20);
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
  var DECIMATE_ABOVE = 2000;  // points; Chart.js then draws min and max per pixel column
  function growthLabel(m) { return 'growth over the last K/2 intervals: ' + growthText(m.growth, m.bytes) + '/iteration'; }
  function metricChart(canvas, r, m) {
    var n = m.values.length;
    var points = m.values.map(function (v, i) { return { x: i + 1, y: v }; });
    var datasets = [{
      label: m.name, data: points, borderColor: m.leaking ? color('LEAK') : '#1b5fad',
      backgroundColor: m.leaking ? color('LEAK') : '#1b5fad', borderWidth: 1.5,
      pointRadius: n > 120 ? 0 : 2, pointHitRadius: 4, order: 0
    }];
    if (r.judged && m.trend !== undefined) {
      var at = r.checkpoints;
      // The highest value of the warm-up and of each interval, as a step
      // across it; a triangle where the interval rose (a new high).
      var steps = [], risen = [];
      m.highs.forEach(function (high, j) {
        var from = j === 0 ? 0.5 : at[j - 1] + 0.5, to = at[j] + 0.5;
        steps.push({ x: from, y: high }, { x: to, y: high }, { x: to, y: null });
        if (m.rose[j]) risen.push({ x: (from + to) / 2, y: high, interval: j });
      });
      datasets.push({
        label: 'highest of each interval', data: steps, borderColor: RULE_COLOR, borderWidth: 1.5,
        borderDash: [5, 3], pointRadius: 0, spanGaps: false, pointStyle: 'line', order: 1
      });
      datasets.push({
        label: 'a new high (the interval rose)', data: risen, showLine: false, pointStyle: 'triangle',
        pointRadius: 5, borderColor: RULE_COLOR, order: -2,
        backgroundColor: risen.map(function (p) { return p.interval >= r.tail_from ? color('LEAK') : '#b0bec5'; })
      });
      // The rule's growth: from the highest up to b_{K/2} at the rule's
      // growth per iteration to b_K.
      var end = at[at.length - 1];
      datasets.push({
        label: growthLabel(m),
        data: [{ x: r.middle, y: m.middle_high }, { x: end, y: m.middle_high + m.growth * (end - r.middle) }],
        borderColor: m.leaking ? 'rgba(0,0,0,0.85)' : '#90a4ae', borderWidth: m.leaking ? 2.5 : 1.5,
        pointRadius: 0, pointStyle: 'line', order: -1  // on top of the series
      });
    }
    var differs = r.output_differs || (r.fresh && r.fresh.differs) || 0;
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
          phptrunRuleMarks: {
            warmup: r.warmup, checkpoints: r.judged ? r.checkpoints : [], tailFrom: r.judged ? r.tail_from : 0,
            rose: m.rose || [], differs: differs,
            differsLabel: r.output_differs ? 'output differs' : 'differs from a fresh worker'
          },
          // Long runs: draw each pixel column's lowest and highest value only,
          // which keeps every high the rule looks at visible (said under the plot).
          decimation: { enabled: n > DECIMATE_ABOVE, algorithm: 'min-max' }
        }
      },
      plugins: [ruleMarks]
    });
  }

  // The trend in words: "growing", "bounded: stopped growing at iteration 126".
  function trendText(m) {
    if (m.at_limit_since) return 'bounded: at its ' + m.limit + '-entry limit since iteration ' + m.at_limit_since;
    if (m.judged_from && m.trend === 'bounded') {
      return 'bounded: judged from iteration ' + m.judged_from + ', where an engine cache was full';
    }
    if (m.trend === 'bounded') return 'bounded: stopped growing at iteration ' + m.last_rise;
    if (m.trend === 'undecided') return 'undecided: rose recently (iteration ' + m.last_rise + ') but not steadily';
    return m.trend;
  }
  // What the rule found for one metric, in words.
  function ruleText(r, m) {
    if (!r.judged || m.trend === undefined) return 'not judged: the run did not complete enough iterations';
    var half = r.checkpoints.length - r.tail_from;
    var words = m.rising_tail + ' of the last ' + half + ' intervals rose; growth over them ' +
                growthText(m.growth, m.bytes) + '/iteration (from iteration ' + r.middle + ')';
    if (m.leaking) return 'LEAK: ' + words;
    if (m.trend === 'growing' && m.bytes) return words + ', within max_growth (' + bytes(r.max_growth) + '/iteration)';
    return words;
  }
  function pointsText(r, m) {
    var n = m.values.length;
    return n + ' points, one per iteration run' +
           (r.extended ? ' (the run was extended from ' + r.extended.from + ')' : '') +
           (n > DECIMATE_ABOVE ? '; drawn min-max per pixel column (every high kept)' : '');
  }

  // Tables under the plots. Each entry: a title, the columns (or a function
  // of the report giving them), the rows of a resident report, and
  // optionally a class per row.
  function retainerCell(p, j) {
    return String(p.items[j]) + '\n' + bytes(p.bytes[j]);  // two lines (white-space: pre-line)
  }
  var RESIDENT_TABLES = [
    {
      title: 'What holds it: retainer paths that grew after warm-up (items, then bytes, at each checkpoint)',
      rows: function (r) { return r.retainers; },
      className: 'retainers',
      rowClass: function (p) { return p.leaking ? 'leaking' : ''; },
      columns: function (r) {
        var cols = [['path', function (p) { return p.path; }],
                    ['trend', function (p) { return p.trend + (p.leaking ? ' — LEAK' : ''); }]];
        r.checkpoints.forEach(function (b, j) {
          cols.push([String(b) + (j === 0 ? ' (warm-up)' : ''), function (p) { return p.items.length > j ? retainerCell(p, j) : ''; }, 'num']);
        });
        cols.push(['items/iteration', function (p) { return growthText(p.items_growth, false); }, 'num']);
        cols.push(['bytes/iteration', function (p) { return growthText(p.bytes_growth, true); }, 'num']);
        return cols;
      },
      note: function (r) {
        return r.snapshots_truncated ? 'A snapshot reached the walker\'s budget: paths beyond it are not counted.' : '';
      }
    },
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
      var columns = typeof t.columns === 'function' ? t.columns(r) : t.columns;
      box.appendChild(el('h4', { text: t.title }));
      if (note) box.appendChild(el('div', { className: 'key', text: note }));
      if (!rows.length) return;
      var table = el('table', { className: 'grid' + (t.className ? ' ' + t.className : '') });
      table.appendChild(el('tr', null, columns.map(function (col) { return el('th', { className: col[2] || '', text: col[0] }); })));
      rows.forEach(function (row) {
        var cls = t.rowClass ? t.rowClass(row) : '';
        table.appendChild(el('tr', cls ? { className: cls } : null, columns.map(function (col) {
          return el('td', { className: col[2] || 'mono', text: col[1](row) }); })));
      });
      box.appendChild(table);
    });
    return box;
  }

  // A fresh-worker FAIL: the diff's expected lines are what the fresh
  // worker printed for request k alone, its actual lines what the
  // long-lived worker printed.
  function freshOutputs(diff) {
    var fresh = [], served = [];
    diff.split('\n').forEach(function (line) {
      var m = /^\d+([+-]) ?(.*)$/.exec(line);
      if (m) (m[1] === '-' ? fresh : served).push(m[2]);
    });
    return el('div', { className: 'two fresh-outputs' }, [
      el('div', null, [el('div', { className: 'key', text: 'a fresh worker serving it alone (expected)' }),
                       el('pre', { className: 'text fresh', text: fresh.join('\n') })]),
      el('div', null, [el('div', { className: 'key', text: 'the long-lived worker (actual)' }),
                       el('pre', { className: 'text served', text: served.join('\n') })])]);
  }

  function residentPanel(c) {
    var r = c.resident;
    var panel = el('details', { className: 'resident-case', id: 'resident-' + c.id, 'data-case': String(c.id) });
    panel.style.setProperty('--c', color(c.verdict));
    panel.appendChild(el('summary', null, [verdictBadge(c.verdict), ' ', c.name, ' ',
      el('span', { className: 'muted', text: '· ' + r.mode + ', ' + r.completed + ' of ' + r.iterations + ' iterations' +
        (r.extended ? ' (extended from ' + r.extended.from + ')' : '') })]));
    var built = false;
    function build() {
      if (built) return;
      built = true;
      panel.appendChild(el('div', { className: 'case-file' }, [caseLink(c, c.file)]));
      if (c.reason) panel.appendChild(el('p', { className: 'verdict-line', text: c.reason }));
      panel.appendChild(el('div', { className: 'key', text:
        'warm-up: ' + r.warmup + ' iterations · max_growth: ' + bytes(r.max_growth) + '/iteration · ' +
        (r.judged ? 'checkpoints: ' + r.checkpoints.join(', ') + ' · ' : '') +
        (r.iterations_per_s ? Math.round(r.iterations_per_s) + ' iterations/s' : '') }));
      if (r.decision) panel.appendChild(el('div', { className: 'decision', text: 'decision: ' + r.decision }));
      if (r.extended) {
        panel.appendChild(el('div', { className: 'extended', text: 'Extended from ' + r.extended.from + ' to ' +
          r.iterations + ' iterations' + (r.extended.because ? ': ' + r.extended.because : '') }));
      }
      if (r.output_differs > 0) {
        panel.appendChild(el('h4', { text: 'Output of iteration ' + r.output_differs + ' differs from iteration 1: state kept between iterations' }));
        if (c.diff) panel.appendChild(diffBlock(c.diff));
      }
      if (r.fresh && r.fresh.differs > 0) {
        panel.appendChild(el('h4', { className: 'fresh-differs', text: 'Request ' + r.fresh.differs +
          ' differs from a fresh worker serving request ' + r.fresh.differs + ' alone: state kept from earlier requests' }));
        panel.appendChild(el('div', { className: 'key', text: 'requests compared with a fresh worker: ' + r.fresh.checked.join(', ') }));
        if (c.diff) { panel.appendChild(freshOutputs(c.diff)); panel.appendChild(diffBlock(c.diff)); }
      }
      var plots = el('div', { className: 'plots' });
      // Leaking metrics first, then in the report's order.
      var metrics = r.metrics.slice().sort(function (a, b) { return (b.leaking ? 1 : 0) - (a.leaking ? 1 : 0); });
      metrics.forEach(function (m) {
        var canvas = el('canvas', { 'data-metric': m.name, 'data-points': String(m.values.length) });
        var trend = m.trend === undefined ? '' : ' — ' + trendText(m);
        plots.appendChild(el('div', { className: 'plot' + (m.leaking ? ' leaking' : '') }, [
          el('h4', null, [m.name, el('span', { className: 'trend trend-' + (m.trend || 'none'), text: trend }),
            m.leaking ? el('span', { className: 'leak-word', text: ' · LEAK ' + growthText(m.growth, m.bytes) + '/iteration' }) : null]),
          el('div', { className: 'rule', text: ruleText(r, m) }),
          el('div', { className: 'chart' }, [canvas]),
          el('div', { className: 'points muted', text: pointsText(r, m) })]));
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
    ? 'Each plot is one metric after every iteration. The LEAK rule ignores the warm-up (shaded) and cuts the rest into ' +
      'K = 8 intervals (fewer in a short run) at the checkpoints (dotted lines). An interval rises (▲) when its highest value (dashed steps) is ' +
      'above everything before it. A metric is growing when each of the last K/2 intervals (tinted) rose, undecided when ' +
      'some did (the run is then extended), bounded when it stopped rising before them, flat when it never rose. ' +
      'Its growth per iteration is the rise over the last K/2 intervals (the solid line); memory leaks when growing by ' +
      'more than max_growth, a count when growing. The retainer table names the PHP variables whose contents grew. ' +
      'Cases that did not pass are open.'
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
