/* The scenarios page (/dashboard/scenarios.html): a built-in sector scenario run by POST /scenario/run: electricity,
   carbon and water trajectories, what drives the result, published versus reproduced figures, sources. */
import { api, meta } from "./api.js";
import { clear, clearError, fail, options, row, $ } from "./dom.js";
import { count, has, num, span } from "./format.js";
import { SCALES, figureText, finishBands, scaleOf, seriesOf } from "./bands.js";
import { citedKeys, listSources, listWarnings, versions } from "./panels.js";
import { dropChart, replaceChart } from "./plots.js";
import { hintFor, sourceCell, wideTable } from "./tables.js";
import { andList, capital, label, unitLabel } from "./words.js";

/* What carbon and water need to be computed. */
var NEEDS = { carbon: "a location or a grid carbon intensity",
              water: "a location or water-use factors (WUE and the electricity's off-site water)" };

/* The sentence for the quantities (of "carbon", "water") a scenario does not compute, naming what each needs. */
export function notComputed(missing) {
  if (!missing.length) { return ""; }
  var needs = missing.map(function (k, i) { return k + (i ? " " : " needs ") + NEEDS[k]; });
  return capital(andList(missing)) + (missing.length > 1 ? " are" : " is") + " not computed for this scenario: " +
    needs.join(", ") + ".";
}

/* Whether two series are the same numbers (best, low and high of every year). */
function sameSeries(a, b) {
  var close = function (x, y) { return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1e-300); };
  return a.x.length === b.x.length && ["best", "low", "high"].every(function (k) {
    return a[k].every(function (v, i) { return a.x[i] === b.x[i] && close(v, b[k][i]); });
  });
}

/* Facility and IT electricity; one series when they are the same numbers (a PUE of 1, e.g. ai-search-rebound,
   whose per-request figure already includes the overhead): drawn twice, the two bands blended into a colour that
   matched neither legend entry and the IT line lay hidden under the facility line. */
export function energySeries(d, m) {
  var facility = seriesOf(d, "facility_energy_twh", "facility electricity", m);
  var it = seriesOf(d, "it_energy_twh", "IT electricity", m);
  if (facility && it && sameSeries(facility, it) && !it.markers.length) {
    facility.label = "electricity (facility = IT)";
    return [facility];
  }
  return [facility, it].filter(Boolean);
}

function drawTrajectories(d, m) {
  var units = d.units || {};
  var energy = energySeries(d, m);
  replaceChart("energy", function (c) {
    return finishBands(window.AIF.bandLines(c, energy, units.facility_energy_twh || "TWh/yr", "year"), energy);
  }, ["x"]);
  var missing = [];
  [["carbon", "carbon_t"], ["water", "water_consumption_l"]].forEach(function (p) {
    var s = seriesOf(d, p[1], label(p[1]), m);
    $(p[0]).parentNode.hidden = !s;
    if (!s) { dropChart(p[0]); missing.push(p[0]); return; }
    replaceChart(p[0], function (c) {
      return finishBands(window.AIF.bandLines(c, [s], SCALES[p[1]][1], "year"), [s]);
    }, ["x"]);
  });
  $("cw").hidden = missing.length === 2;
  $("cw-note").hidden = !missing.length;
  $("cw-note").textContent = notComputed(missing);
}

function drawDrivers(d) {
  var sensOut = (d.sensitivity || {}).output;
  /* An "input" that is the output itself (a trajectory of published figures) is no driver. */
  var sens = ((d.sensitivity && d.sensitivity.inputs) || []).filter(function (s) { return s.input !== s.output; });
  var head = d[sensOut] || {};
  var lastYear = Object.keys(head).sort().pop();
  $("sens").hidden = !sens.length;
  $("sens-note").hidden = !!sens.length;
  if (!sens.length) {
    dropChart("sensitivity");
    $("sens-note").textContent = "No separate input drives the result here: the spread of " +
      label(sensOut || "the result") + (lastYear ? " in " + lastYear : "") + " is the published range of that" +
      " figure itself (see the band above), so there is nothing to rank.";
    return;
  }
  var bars = sens.map(function (s) {
    var a = s[s.output + "_at_input_p5"], b = s[s.output + "_at_input_p95"];
    var unit = unitLabel(s.input_unit);  // no space before ")" when the input has no unit
    var name = label(s.input);
    if (unit && name.toLowerCase() === unit.toLowerCase()) { unit = ""; }  // "servers (405,641–507,180)", once
    return { group: name + " (" + span(s.input_p5, s.input_p95) + (unit ? " " + unit : "") + ")",
             best: lastYear ? head[lastYear].best : (a + b) / 2, low: Math.min(a, b), high: Math.max(a, b) };
  });
  replaceChart("sensitivity", function (c) {
    return window.AIF.rangeBars(c, bars, label(sensOut) + " [" + ((d.sensitivity && d.sensitivity.output_unit) || "") +
      "] with each input at its 5th and 95th percentile", { color: 2 });
  });
}

/* Published versus reproduced figures (#published), a sentence instead of an empty table. */
function fillPublished(d, cites) {
  var tb = $("published").querySelector("tbody");
  clear(tb);
  (d.published || []).forEach(function (p) {
    /* In the unit of the charts where they have one: "4.20–6.60 billion m³/yr", not 4,435,640,235,000 L/yr. */
    var sc = scaleOf(p.output, p.unit);
    var v = function (k) { return has(p[k]) ? p[k] * sc[0] : p[k]; };
    var parts = [];
    if (has(p.value)) { parts.push(num(v("value"))); }
    if (has(p.low) && has(p.high)) { parts.push("range " + span(v("low"), v("high"))); }
    else if (has(p.low) || has(p.high)) { parts.push(figureText(null, v("low"), v("high"))); }  // "up to 29.2"
    var rep = [];
    if (has(p.reproduced_value)) { rep.push(num(v("reproduced_value")) + " (nominal)"); }
    if (has(p.reproduced_low) && has(p.reproduced_high)) {
      rep.push(span(v("reproduced_low"), v("reproduced_high")) + " (bounds)");
    } else if (has(p.reproduced_high)) {  // a one-sided figure: its one bound ("––29.2" before)
      rep.push(num(v("reproduced_high")) + " (upper bound)");
    } else if (has(p.reproduced_low)) {
      rep.push(num(v("reproduced_low")) + " (lower bound)");
    }
    var unit = sc[1];
    row(tb, [label(p.output), p.year, parts.join(", ") + " " + unit, rep.length ? rep.join(", ") + " " + unit : "–",
             sourceCell(p.source, { sources: cites })]);
  });
  var none = !(d.published || []).length;
  $("published").parentNode.hidden = none;
  $("no-published").hidden = !none;
  if (none) { hintFor($("published")).hidden = true; } else { wideTable($("published")); }
}

function showScenario(d, m) {
  var i = d.inputs || {};
  var title = (m.scenario_titles || {})[i.scenario] || label(i.scenario);
  $("scinfo").textContent = title + " · " + label(i.model) + " model · " + count(i.draws) + " draws · seed " + i.seed;
  drawTrajectories(d, m);
  drawDrivers(d);
  /* Citations: the page's and the scenario's own (a custom scenario's sources). */
  var cites = Object.assign({}, m.sources || {}, d.sources || {});
  fillPublished(d, cites);
  /* Sources: the scenario's, and every one its published figures and warnings cite. */
  var keys = citedKeys((d.published || []).concat(d.warnings || []), cites, Object.keys(d.sources || {}));
  listSources(keys, cites);
  listWarnings(d.warnings, m);
  versions(d);
}

export function scenariosPage() {
  var form = $("scenario-form");
  var m = {};
  function runIt() {
    clearError();
    var body = { name: form.elements.name.value, draws: parseInt(form.elements.draws.value, 10) };
    api("/scenario/run", body).then(function (d) { showScenario(d, m); }).catch(fail);
  }
  meta().then(function (got) {
    m = got;
    var q = new URLSearchParams(location.search).get("name");
    options(form.elements.name, m.scenarios, q || "iea-2025-data-centres", m.scenario_titles);
    runIt();
  }).catch(fail);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); runIt(); });
}
