// The live page: rows from the server's "change" events, charts from its "point" events (see LiveView.java).
(function () {
  'use strict';
  var MAX_ROWS = 50;
  var WINDOW_SECONDS = 300;
  var OPS = { c: 'INSERT', u: 'UPDATE', d: 'DELETE', t: 'TRUNCATE', r: 'READ', tombstone: 'TOMBSTONE', other: 'VALUE' };
  var times = [], rates = [], lags = [];
  var shown = 0;
  var rows = document.querySelector('#changes tbody');
  var status = document.getElementById('status');

  function lonely(u, seriesIdx) {
    var ys = u.data[seriesIdx], shown = [];
    for (var i = 0; i < ys.length; i++) {
      if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) { shown.push(i); }
    }
    return shown;
  }

  function chart(id, label, color) {
    var el = document.getElementById(id);
    return new uPlot({
      width: Math.max(240, el.clientWidth), height: 170,
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [{}, { size: 56 }],
      // Points only where a lone value would otherwise be invisible: a second with changes between quiet ones.
      series: [{}, { label: label, stroke: color, width: 2, fill: color + '22', spanGaps: false, points: { show: true, space: 0, filter: lonely } }]
    }, [[], []], el);
  }
  var rateChart = chart('rate-chart', 'changes/s', '#2563eb');
  var lagChart = chart('lag-chart', 'lag ms', '#b45309');

  function redraw() {
    rateChart.setData([times, rates]);
    lagChart.setData([times, lags]);
    var last = rates.length - 1;
    document.getElementById('rate-now').textContent = last < 0 ? '' : rates[last].toFixed(1) + '/s';
    document.getElementById('lag-now').textContent = last < 0 || lags[last] == null ? '' : lags[last] + ' ms';
  }

  function addPoint(p) {
    times.push(p.t / 1000);
    rates.push(p.rate);
    lags.push(p.lag);
    while (times.length > WINDOW_SECONDS) { times.shift(); rates.shift(); lags.shift(); }
  }

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (value != null) { el.textContent = value; }
    return el;
  }

  function two(n, width) { return String(n).padStart(width || 2, '0'); }
  function clock(ms) {
    var d = new Date(ms);
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()) + '.' + two(d.getMilliseconds(), 3);
  }

  function addChange(c) {
    var tr = document.createElement('tr');
    tr.className = 'change fresh';
    tr.dataset.table = c.table;
    tr.dataset.op = c.op;
    tr.dataset.key = c.key == null ? '' : c.key;
    tr.appendChild(text('td', 'time', clock(c.seen))).title = c.lag >= 0 ? 'lag ' + c.lag + ' ms' : '';
    var op = text('td', 'op-cell');
    op.appendChild(text('span', 'op op-' + c.op, OPS[c.op] || c.op));
    tr.appendChild(op);
    tr.appendChild(text('td', 'table', c.table));
    tr.appendChild(text('td', 'key', c.key == null ? '–' : c.key));
    var row = text('td', 'row');
    c.columns.forEach(function (col) {
      var changed = Object.prototype.hasOwnProperty.call(col, 'old');
      var span = text('span', changed ? 'col changed' : 'col');
      span.dataset.column = col.name;
      span.appendChild(text('span', 'name', col.name + (changed ? ': ' : '=')));
      if (changed) {
        span.appendChild(text('del', null, col.old));
        span.appendChild(document.createTextNode(' → '));
        span.appendChild(text('ins', null, col.value));
      } else {
        span.appendChild(text('span', 'value', col.value));
      }
      row.appendChild(span);
    });
    tr.appendChild(row);
    rows.insertBefore(tr, rows.firstChild);
    while (rows.children.length > MAX_ROWS) { rows.removeChild(rows.lastChild); }
    shown++;
    document.getElementById('count').textContent = shown + ' seen since the page opened (newest first, last ' + MAX_ROWS + ' kept)';
    document.getElementById('empty').style.display = 'none';
  }

  var events = new EventSource('live/events');
  events.onopen = function () { status.textContent = 'live'; status.className = 'live'; };
  events.onerror = function () { status.textContent = 'reconnecting…'; status.className = 'reconnecting'; };
  events.addEventListener('hello', function (e) {
    var hello = JSON.parse(e.data);
    // A reconnect starts over: the server sends its history and recent changes again.
    times = []; rates = []; lags = [];
    rows.textContent = '';
    hello.points.forEach(addPoint);
    redraw();
  });
  events.addEventListener('change', function (e) { addChange(JSON.parse(e.data)); });
  events.addEventListener('point', function (e) { addPoint(JSON.parse(e.data)); redraw(); });
  window.addEventListener('resize', function () {
    [[rateChart, 'rate-chart'], [lagChart, 'lag-chart']].forEach(function (pair) {
      pair[0].setSize({ width: Math.max(240, document.getElementById(pair[1]).clientWidth), height: 170 });
    });
  });
}());
