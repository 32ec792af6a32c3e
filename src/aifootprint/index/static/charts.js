/* aifootprint chart helpers on the bundled Chart.js (window.Chart). No eval, no network, no innerHTML of data. */
(function () {
  "use strict";
  var PALETTE = ["#1b6ca8", "#c0392b", "#e08e0b", "#16a085", "#8e44ad", "#2c3e50", "#7f8c8d", "#d35400"];
  var BOUNDARY = { accelerator: "#16a085", server: "#1b6ca8", datacenter: "#c0392b", facility: "#c0392b",
    IT: "#1b6ca8", unknown: "#7f8c8d" };

  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) { return ""; }
    if (x === 0) { return "0"; }
    var a = Math.abs(x);
    if (a >= 1e6 || a < 1e-3) { return x.toExponential(2); }
    var digits = Math.max(0, 2 - Math.floor(Math.log10(a)));
    return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  /* Log-axis label: only 1, 2 and 5 × a power of ten, so the labels never overlap. */
  function logTick(v) {
    var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    return [1, 2, 5].some(function (k) { return Math.abs(m - k) < 1e-6; }) ? fmt(v) : "";
  }

  function sized(canvas, px) {
    canvas.parentNode.style.height = px + "px";
  }

  /* Horizontal range bars: bars = [{group, best, low, high, boundary, kind}], log axis when the values span
     more than two decades. The bar is the 5th–95th percentile (or published range); the dot the best value. */
  function rangeBars(canvas, bars, unit, opts) {
    opts = opts || {};
    var labels = bars.map(function (b) { return b.group; });
    var values = bars.map(function (b) { return b.best; }).filter(function (v) { return v > 0; });
    var span = values.length ? Math.max.apply(null, values) / Math.min.apply(null, values) : 1;
    var colors = bars.map(function (b, i) {
      return opts.byBoundary ? (BOUNDARY[b.boundary] || BOUNDARY.unknown) : PALETTE[opts.color || 0];
    });
    sized(canvas, Math.max(150, 60 + 24 * bars.length));
    return new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: "range (5th–95th percentile or published range)",
            data: bars.map(function (b) {
              if (b.low !== null && b.high !== null) { return [b.low, b.high]; }
              return (opts.fromZero && span <= 100) ? [0, b.best] : null;  // a point value: a bar from zero
            }),
            backgroundColor: colors.map(function (c) { return c + "55"; }), borderColor: colors, borderWidth: 1,
            barPercentage: 0.7 },
          { type: "scatter", label: "best", data: bars.map(function (b) { return { x: b.best, y: b.group }; }),
            backgroundColor: colors, borderColor: "#222", pointRadius: 4 }
        ]
      },
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
        scales: {
          x: { type: span > 100 ? "logarithmic" : "linear", title: { display: true, text: unit },
               ticks: { callback: function (v) { return span > 100 ? logTick(v) : fmt(v); } } },
          y: { type: "category", ticks: { autoSkip: false, font: { size: 11 },
               callback: function (v) {
                 var s = labels[v] || "", max = canvas.clientWidth < 600 ? 24 : 58;
                 return s.length > max ? s.slice(0, max - 2) + "…" : s;
               } } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) {
            var b = bars[ctx.dataIndex];
            var r = (b.low !== null && b.high !== null) ? " (" + fmt(b.low) + "–" + fmt(b.high) + ")" : "";
            return b.group + ": " + fmt(b.best) + r + " " + unit + (b.boundary ? ", boundary " + b.boundary : "");
          } } }
        }
      }
    });
  }

  /* Lines with a band: series = [{label, x, best, low, high, markers}] on a numeric x axis. */
  function bandLines(canvas, series, unit, xTitle, xFormat) {
    var datasets = [];
    series.forEach(function (s, i) {
      var c = PALETTE[i % PALETTE.length];
      var pts = function (ys) { return s.x.map(function (x, j) { return { x: x, y: ys[j] }; }); };
      if (s.low && s.low.length) {
        datasets.push({ type: "line", label: s.label + " 5th pct", data: pts(s.low), borderWidth: 0, pointRadius: 0,
          fill: false, borderColor: c + "00" });
        datasets.push({ type: "line", label: s.label + " 95th pct", data: pts(s.high), borderWidth: 0,
          pointRadius: 0, fill: "-1", backgroundColor: c + "33", borderColor: c + "00" });
      }
      datasets.push({ type: "line", label: s.label, data: pts(s.best), borderColor: c, backgroundColor: c,
        pointRadius: s.x.length > 40 ? 0 : 3, borderWidth: 2, fill: false });
      (s.markers || []).forEach(function (m) {
        var lo = m.low !== null ? m.low : m.value, hi = m.high !== null ? m.high : m.value;
        datasets.push({ type: "line", label: "published: " + m.label, borderColor: "#222", backgroundColor: "#222",
          data: [{ x: m.x, y: lo }, { x: m.x, y: hi }], pointRadius: 3, pointStyle: "rectRot", borderWidth: 2,
          fill: false });
      });
    });
    sized(canvas, 380);
    return new window.Chart(canvas, {
      data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: true,
        scales: {
          x: { type: "linear", title: { display: !!xTitle, text: xTitle || "" },
               ticks: { callback: function (v) { return xFormat ? xFormat(v) : String(v); } } },
          y: { beginAtZero: true, title: { display: true, text: unit }, ticks: { callback: function (v) { return fmt(v); } } }
        },
        plugins: {
          legend: { labels: { boxWidth: 12, filter: function (item) { return !/ (5th|95th) pct$/.test(item.text); } } },
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + fmt(ctx.parsed.y) + " " + unit;
          } } }
        }
      }
    });
  }

  /* Plain vertical bars: labels, values (one dataset). */
  function simpleBars(canvas, labels, values, unit, single) {
    sized(canvas, 300);
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: unit, data: values,
        backgroundColor: labels.map(function (_, i) { return PALETTE[single ? 0 : i % PALETTE.length]; }) }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, title: { display: true, text: unit },
                       ticks: { callback: function (v) { return fmt(v); } } } } }
    });
  }

  window.AIF = { fmt: fmt, rangeBars: rangeBars, bandLines: bandLines, simpleBars: simpleBars, PALETTE: PALETTE };
})();
