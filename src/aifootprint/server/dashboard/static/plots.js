/* Charts of the dashboard pages: drawn with the bundled Chart.js through the index's helpers (window.AIF, charts.js),
   their ticks through the dashboard's number formatter, fitted to a phone's width, one chart per canvas. */
import { $ } from "./dom.js";
import { logTick, tick } from "./format.js";

/* Tick labels of every numeric axis of ``chart`` through :func:`tick` (``plain``: axis ids without thousands
   separators, e.g. years). */
function tidy(chart, plain) {
  var scales = chart.config.options.scales || {};  // the plain configuration (not the resolved proxies)
  Object.keys(chart.scales).forEach(function (id) {
    var kind = chart.scales[id].type;
    if (kind === "category") { return; }
    var grouping = (plain || []).indexOf(id) < 0;
    var sc = scales[id] = scales[id] || {};
    sc.ticks = sc.ticks || {};
    sc.ticks.callback = kind === "logarithmic" ? logTick : function (v) { return tick(v, grouping); };
  });
  chart.update();
  return chart;
}

/* ``s`` broken at spaces into lines of at most ``chars`` characters (a longer word keeps its own line). */
function wrapWords(s, chars) {
  var lines = [];
  String(s).split(/\s+/).filter(Boolean).forEach(function (w) {
    var last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + w.length <= chars) { lines[last] += " " + w; } else { lines.push(w); }
  });
  return lines.length ? lines : [""];
}

/* Canvases narrower than this [CSS px] (a phone) get :func:`fitNarrow`. */
var NARROW_PX = 600;

/* On a phone: an axis title longer than its axis is wrapped onto several lines (Chart.js squeezed it to the
   axis' length, letters overlapping), and the category labels of a horizontal bar chart are wrapped whole onto
   up to three lines (they were cut to 24 characters, "rebound elasticity (0.…"), the chart made taller to hold
   them. */
function fitNarrow(chart) {
  var canvas = chart.canvas;
  if (!canvas.clientWidth || canvas.clientWidth >= NARROW_PX) { return chart; }
  var opts = chart.config.options, changed = false, extra = 0;
  opts.scales = opts.scales || {};
  Object.keys(chart.scales).forEach(function (id) {
    var sc = chart.scales[id], title = sc.options.title;
    if (!title || !title.display || typeof title.text !== "string") { return; }
    chart.ctx.font = window.Chart.helpers.toFont(title.font).string;
    var width = chart.ctx.measureText(title.text).width, room = sc.isHorizontal() ? sc.width : sc.height;
    if (width <= room) { return; }
    var o = opts.scales[id] = opts.scales[id] || {};
    o.title = o.title || { display: true };
    o.title.text = wrapWords(title.text, Math.max(10, Math.floor(title.text.length * room / width) - 2));
    if (sc.isHorizontal()) { extra += (o.title.text.length - 1) * 16; }  // the x axis' title grows down
    changed = true;
  });
  var y = chart.scales.y;
  if (y && y.type === "category" && opts.indexAxis === "y") {
    var labels = (chart.data.labels || []).map(String);
    var lines = labels.map(function (s) { return wrapWords(s, 24).length; });
    var o = opts.scales.y = opts.scales.y || {};
    o.ticks = o.ticks || {};
    o.ticks.callback = function (v) { return wrapWords(labels[v] || "", 24); };
    var rows = lines.reduce(function (a, n) { return a + Math.max(24, 16 * n + 12); }, 0);
    canvas.parentNode.style.height = Math.max(150, 70 + extra + rows) + "px";
    chart.resize();
    changed = true;
  }
  if (changed) { chart.update(); }
  return chart;
}

/* The chart of each canvas id on this page. */
var charts = {};

/* Draws the chart of canvas ``id`` with ``make(canvas)`` (an AIF helper), replacing the one drawn before; the
   canvas is marked data-drawn. */
export function replaceChart(id, make, plain) {
  if (charts[id]) { charts[id].destroy(); }
  charts[id] = fitNarrow(tidy(make($(id)), plain));
  $(id).setAttribute("data-drawn", "1");
}

/* Removes the chart of canvas ``id`` (nothing to draw there). */
export function dropChart(id) {
  if (charts[id]) { charts[id].destroy(); delete charts[id]; }
  $(id).removeAttribute("data-drawn");
}
