/* The scenario charts: a scenario output's trajectory (best line and 5–95 % band) with the published figures as
   markers, drawn by AIF.bandLines (charts.js) and finished here. */
import { has, num, span } from "./format.js";
import { sourceName, unitLabel } from "./words.js";

/* Outputs drawn in a larger unit than the API's: [factor, axis unit] (t -> Mt, L -> billion m³). */
export var SCALES = { carbon_t: [1e-6, "Mt CO2e/yr"], water_consumption_l: [1e-12, "billion m³/yr"],
  water_withdrawal_l: [1e-12, "billion m³/yr"] };
/* [factor, unit label] in which output ``key`` is shown: its SCALES entry, else its own ``unit`` (the API's). */
export function scaleOf(key, unit) { return SCALES[key] || [1, unitLabel(unit)]; }
/* Published figures on the charts: one marker shape and colour each, so the legend tells them apart. */
var MARKERS = [["rectRot", "#222222"], ["triangle", "#8e44ad"], ["star", "#d35400"], ["crossRot", "#16a085"],
  ["rect", "#7f8c8d"], ["rectRounded", "#2c3e50"]];

/* A published figure in words: "945 (669–1,264)", "85.4–134", "945", and a one-sided one as such: "up to 29.2",
   "at least 3" (a figure given only as an upper bound had no number at all: "published 2023 (A. de Vries): "). */
export function figureText(value, low, high) {
  if (has(low) && has(high)) { return has(value) ? num(value) + " (" + span(low, high) + ")" : span(low, high); }
  var text = has(value) ? num(value) : "";
  if (has(high)) { return text ? text + " (up to " + num(high) + ")" : "up to " + num(high); }
  if (has(low)) { return text ? text + " (at least " + num(low) + ")" : "at least " + num(low); }
  return text;
}

/* Horizontal offset [years] of the k-th published figure from its year on a one-year chart: drawn beside the
   scenario's error bars, not over them (DV23's 85.4–134 TWh/yr hid the IT bar's 88–132 at the same x). */
var BESIDE_YEARS = 0.2;
/* Distance [years] between the error bars of two series on a one-year chart (facility and IT electricity: drawn at
   the same x, li-2023-water-2027's 103–154 and 88–132 TWh/yr lay on each other). */
var SERIES_APART_YEARS = 0.15;

/* The series of output ``key`` of scenario result ``d`` ({label, x, best, low, high, markers}), null when the
   scenario does not compute it. The published figures of the output (given in the output's own unit, as the
   trajectory) are scaled with it, so that they sit on the same axis. */
export function seriesOf(d, key, name, m) {
  var per = d[key];
  if (!per) { return null; }
  var years = Object.keys(per).map(Number).sort(function (a, b) { return a - b; });
  var scale = scaleOf(key, (d.units || {})[key]), sc = scale[0], unit = scale[1];
  var scaled = function (v) { return has(v) ? v * sc : v; };
  var pick = function (k) { return years.map(function (y) { return per[String(y)][k] * sc; }); };
  var markers = (d.published || []).filter(function (p) { return p.output === key; }).map(function (p) {
    var value = scaled(p.value), low = scaled(p.low), high = scaled(p.high);
    return { label: p.year + " (" + sourceName(p.source, m) + "): " + figureText(value, low, high) +
             (unit ? " " + unit : ""), x: p.year, value: value, low: low, high: high };
  });
  return { label: name, x: years, best: pick("best"), low: pick("low"), high: pick("high"), markers: markers };
}

/* Finishes a band chart of :func:`AIF.bandLines`: the x axis spans the scenario's years only (one year: that
   year ± 1, whole years); the shaded band is named "5–95 % range" in the legend, and with a single year it is
   drawn as an error bar (a band of one point is invisible); each published figure has its own marker, with its
   value as a larger point between the ends of its range. */
export function finishBands(chart, series) {
  var years = [];
  var markers = {};
  series.forEach(function (s) {
    years = years.concat(s.x);
    (s.markers || []).forEach(function (mk) { years.push(mk.x); markers["published: " + mk.label] = mk; });
  });
  var single = years.length > 0 && years.every(function (y) { return y === years[0]; });
  var kept = [], beside = 0, apart = {};
  if (single) {
    series.forEach(function (s, k) { apart[s.label] = (k - (series.length - 1) / 2) * SERIES_APART_YEARS; });
  }
  var moved = function (ds, dx) { ds.data = ds.data.map(function (pt) { return { x: pt.x + dx, y: pt.y }; }); };
  chart.data.datasets.forEach(function (ds) {
    var text = String(ds.label);
    var mk = markers[text];
    if (apart[text]) { moved(ds, apart[text]); }  // a series' best value, beside the other series
    if (mk && has(mk.value) && ds.data.length === 2 && ds.data[0].y !== ds.data[1].y) {
      ds.data = [ds.data[0], { x: mk.x, y: mk.value }, ds.data[1]];
      ds.pointRadius = [3, 7, 3];
    }
    if (mk && single) { moved(ds, BESIDE_YEARS * ++beside); }
    if (/ 5th pct$/.test(text)) {
      if (!single) { kept.push(ds); }
      return;
    }
    if (/ 95th pct$/.test(text)) {
      var name = text.slice(0, -" 95th pct".length);
      ds.label = name + " 5–95 % range";
      if (single) {
        var s = series.filter(function (x) { return x.label === name; })[0];
        var color = String(ds.backgroundColor).slice(0, 7);
        ds.fill = false;
        var x = s.x[0] + (apart[name] || 0);
        ds.data = [{ x: x, y: s.low[0] }, { x: x, y: s.high[0] }];
        ds.borderColor = color;
        ds.backgroundColor = color;
        ds.borderWidth = 2;
        ds.pointStyle = "line";
        ds.pointRadius = 9;
        ds.pointBorderWidth = 2;
        ds.showLine = true;
      }
    }
    kept.push(ds);
  });
  chart.data.datasets = kept;
  var opts = chart.config.options;
  opts.plugins.legend.labels.filter = function (item) { return !/ 5th pct$/.test(item.text); };
  if (years.length) {
    var lo = Math.min.apply(null, years), hi = Math.max.apply(null, years);
    if (lo === hi) { lo -= 1; hi += 1; }
    opts.scales.x.min = lo;
    opts.scales.x.max = hi;
    opts.scales.x.ticks = opts.scales.x.ticks || {};
    opts.scales.x.ticks.stepSize = 1;
    opts.scales.x.offset = true;  // markers at the first and last year are not cut in half by the frame
  }
  opts.plugins.tooltip.callbacks.title = function (items) {  // the year, also of a figure drawn beside it
    return items.length ? String(Math.round(items[0].parsed.x)) : "";
  };
  return distinctMarkers(chart);
}

/* Gives each "published: …" dataset of ``chart`` its own marker; the legend shows the markers. */
function distinctMarkers(chart) {
  var n = 0;
  chart.data.datasets.forEach(function (ds) {
    if (String(ds.label).indexOf("published: ") !== 0) { return; }
    var mk = MARKERS[n++ % MARKERS.length];
    ds.label = "published " + ds.label.slice("published: ".length);
    ds.pointStyle = mk[0];
    ds.borderColor = mk[1];
    ds.backgroundColor = mk[1];
    if (!Array.isArray(ds.pointRadius)) { ds.pointRadius = 6; }
  });
  chart.config.options.plugins.legend.labels.usePointStyle = true;
  chart.update();
  return chart;
}
