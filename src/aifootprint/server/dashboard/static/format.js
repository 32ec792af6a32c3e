/* Numbers, units and times of the dashboard.

   One formatter for every number the pages write: plain notation (never 1.2e-4), three significant digits below
   100, trailing zeros kept (25.0, 2.60, 0.00260) so one page reads at one precision, whole numbers with thousands
   separators from 100 up. Counts (runs, draws, tokens) go through :func:`count`. Each column, card group or chart
   axis picks one unit prefix from its largest value (Wh / mWh / kWh, mL / L, mg / g / kg), so its numbers read
   plainly and the same quantity has the same unit on one page. */

/* Whether ``v`` is given (neither null nor undefined). */
export function has(v) { return v !== null && v !== undefined; }

function finite(x) { return typeof x === "number" && isFinite(x); }

export function num(x, sig) {
  if (!finite(x)) { return "–"; }
  if (x === 0) { return "0"; }
  if (Math.abs(x) >= 100) { return Math.round(x).toLocaleString("en-US"); }
  var digits = sig || 3;
  var r = Number(x.toPrecision(digits));
  if (Math.abs(r) >= 100) { return Math.round(r).toLocaleString("en-US"); }  // 99.96 -> 100
  return r.toLocaleString("en-US", { minimumSignificantDigits: digits, maximumSignificantDigits: digits });
}

/* A count (runs, draws, tokens, accelerators): the whole number with thousands separators. */
export function count(x) {
  if (!finite(x)) { return "–"; }
  return Math.round(x).toLocaleString("en-US");
}

/* An axis tick: the value itself, trimmed (0.5, 1, 2, 1,400; no trailing zeros, no exponent). */
export function tick(v, grouping) {
  if (!finite(v)) { return ""; }
  return Number(v.toPrecision(10)).toLocaleString("en-US", { maximumFractionDigits: 20, useGrouping: grouping !== false });
}

/* Log axis: only 1, 2 and 5 × a power of ten are labelled, so labels never overlap. */
export function logTick(v) {
  if (!(v > 0)) { return ""; }
  var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
  return [1, 2, 5].some(function (k) { return Math.abs(m - k) < 1e-6; }) ? tick(v) : "";
}

/* Unit ladders: [name, size in the base unit]. */
var LADDERS = {
  kWh: [["mWh", 1e-6], ["Wh", 1e-3], ["kWh", 1], ["MWh", 1e3], ["GWh", 1e6]],
  L: [["mL", 1e-3], ["L", 1], ["m³", 1e3]],
  g: [["mg", 1e-3], ["g", 1], ["kg", 1e3], ["t", 1e6]],
  J: [["mJ", 1e-3], ["J", 1], ["kJ", 1e3], ["MJ", 1e6], ["GJ", 1e9]],
  s: [["µs", 1e-6], ["ms", 1e-3], ["s", 1]]
};
var SUFFIX = { g: " CO2e" };

/* The best value of a number or a {low,best,high} object (null when not given). */
export function best(v) { return has(v) ? (typeof v === "number" ? v : v.best) : null; }

function top(v) {
  if (!has(v)) { return 0; }
  if (typeof v === "number") { return isFinite(v) ? Math.abs(v) : 0; }
  return Math.max(top(v.best), top(v.high), top(v.low));
}

/* {name, k} for values in the ``base`` unit: the largest unit in which the largest value is at least 1 (the
   smallest unit when all are smaller; ``fallback`` when there is no non-zero value). */
export function pickUnit(base, values, fallback) {
  var ladder = LADDERS[base];
  var m = Math.max.apply(null, [0].concat((values || []).map(top)));
  var pick = null;
  if (m > 0) {
    pick = ladder[0];
    ladder.forEach(function (u) { if (m / u[1] >= 1 - 1e-9) { pick = u; } });
  } else {
    pick = ladder.filter(function (u) { return u[0] === (fallback || base); })[0] || ladder[0];
  }
  return { name: pick[0] + (SUFFIX[base] || ""), k: pick[1] };
}

/* The units of one page's (or one table's) energy, carbon and water: {energy, carbon, water}, each chosen by
   :func:`pickUnit` from the values given in kWh, g and L (Wh, g and mL when there are none). */
export function impactUnits(energyKwh, carbonG, waterL) {
  return { energy: pickUnit("kWh", energyKwh, "Wh"), carbon: pickUnit("g", carbonG, "g"),
           water: pickUnit("L", waterL, "mL") };
}

/* ``v`` (number or {low,best,high}) with ``f`` applied to it (to each of low, best and high); null stays null. */
export function mapValue(v, f) {
  if (!has(v)) { return null; }
  if (typeof v === "number") { return f(v); }
  return { low: f(v.low), best: f(v.best), high: f(v.high) };
}

/* ``v`` (number or {low,best,high}) in ``unit``. */
export function inUnit(v, unit) { return mapValue(v, function (x) { return x / unit.k; }); }

/* Energy given in Wh or J, in kWh (the base unit of :func:`pickUnit`'s energy ladder; 1 kWh = 1,000 Wh = 3.6 MJ). */
export function whToKwh(v) { return mapValue(v, function (x) { return x / 1000; }); }
export function jToKwh(v) { return mapValue(v, function (x) { return x / 3.6e6; }); }

export function isRange(v) {
  return v !== null && typeof v === "object" && typeof v.low === "number" && typeof v.high === "number" &&
    v.low < v.high;
}

/* "low–high". */
export function span(low, high) { return num(low) + "–" + num(high); }

/* A number or {low,best,high}: "best unit", or "best unit (low–high)" when it is a range (``unitName`` optional). */
export function rangeText(v, unitName) {
  var after = unitName ? " " + unitName : "";
  if (!isRange(v)) { return num(best(v)) + after; }
  return num(v.best) + after + " (" + span(v.low, v.high) + ")";
}

/* ``v`` in ``unit``, with the unit's name: "best unit" or "best unit (low–high)". */
export function withUnit(v, unit) { return rangeText(inUnit(v, unit), unit.name); }

/* A Unix time as "YYYY-MM-DD hh:mm:ss" (UTC). */
export function utc(unix) {
  if (!has(unix)) { return "–"; }
  return new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 19);
}

/* A date field's "YYYY-MM-DD" as Unix seconds at 00:00 UTC (``endOfDay``: the next day's 00:00, the end of an
   exclusive range); null when empty or not a date. */
export function dateToUnix(text, endOfDay) {
  if (!text) { return null; }
  var t = Date.parse(text + "T00:00:00Z") / 1000;
  return isFinite(t) ? t + (endOfDay ? 86400 : 0) : null;
}
