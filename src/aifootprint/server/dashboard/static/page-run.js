/* The run page (/dashboard/run.html?id=RUN): cards, the impact statement, power per device, energy by component,
   devices, windows, assumptions and warnings of one run. */
import { API, api, metaOrEmpty } from "./api.js";
import { fail, row, showError, $ } from "./dom.js";
import { count, has, impactUnits, inUnit, isRange, jToKwh, num, pickUnit, utc, withUnit } from "./format.js";
import { card, listCitedSources, listWarnings, versions } from "./panels.js";
import { replaceChart } from "./plots.js";
import { fillAssumptions, header, wideTable } from "./tables.js";
import { andList, label, zoneName } from "./words.js";

/* The power chart reads at most this many pages of the samples API, of SAMPLES_PER_PAGE samples each (100,000
   samples: a chart of more points would not be readable, and the page would wait for them); a run with more says
   so under the chart (the CSV export has every sample). Design bounds, not measured figures. */
var MAX_SAMPLE_PAGES = 20;
var SAMPLES_PER_PAGE = 5000;

/* The run's samples, page by page along the API's ``next`` cursor, at most ``maxPages`` pages:
   {samples, complete} (complete: false when the run has more). */
export function fetchSamples(runId, maxPages) {
  var acc = [];
  function fetchPage(next, n) {
    var q = new URLSearchParams({ limit: String(SAMPLES_PER_PAGE) });
    if (next) { q.set("after_t_s", next.after_t_s); q.set("after_device", next.after_device); }
    return api("/runs/" + encodeURIComponent(runId) + "/samples?" + q.toString()).then(function (d) {
      acc.push.apply(acc, d.samples);
      if (!d.next) { return { samples: acc, complete: true }; }
      return n + 1 < maxPages ? fetchPage(d.next, n + 1) : { samples: acc, complete: false };
    });
  }
  return fetchPage(null, 0);
}

/* Draws the power chart (#power: one line per device) from at most ``maxPages`` pages of the run's samples; when
   the run has more, #power-note says how far the chart goes. */
export function powerChart(runId, maxPages) {
  return fetchSamples(runId, maxPages).then(function (got) {
    var byDevice = {}, lastT = null;
    got.samples.forEach(function (s) {
      if (!has(s.power_w)) { return; }
      (byDevice[s.device] = byDevice[s.device] || { x: [], y: [] });
      byDevice[s.device].x.push(s.t_s);
      byDevice[s.device].y.push(s.power_w);
      lastT = lastT === null ? s.t_s : Math.max(lastT, s.t_s);
    });
    var series = Object.keys(byDevice).map(function (k) {
      return { label: k, x: byDevice[k].x, best: byDevice[k].y, low: [], high: [], markers: [] };
    });
    replaceChart("power", function (c) { return window.AIF.bandLines(c, series, "power [W]", "time since start [s]"); });
    var note = $("power-note");
    note.hidden = got.complete;
    note.textContent = got.complete ? "" : "The chart shows the first " + count(got.samples.length) +
      " samples only (to " + num(lastT) + " s); the run has more: the CSV export below has every sample.";
  });
}

/* The devices whose energy is a model (TDP × utilisation, W per GB), not a measurement. */
function estimatedDevices(d) {
  return (d.devices || []).filter(function (x) { return x.estimated; }).map(function (x) { return x.device; });
}

/* The run's impact statement in words, its values in the units ``u`` ({energy, carbon, water}). */
export function statement(d, u, m) {
  var parts = ["Run " + d.run_id + " (" + d.name + ", project " + d.project + ", host " + d.host + ")"];
  parts.push(has(d.duration_s) ? " ran " + num(d.duration_s) + " s" : " is still running");
  parts.push(" and used " + withUnit(d.it_energy_kwh, u.energy) + " of IT electricity (" +
    withUnit(d.energy_kwh, u.energy) + " with the data-centre overhead), emitting " + withUnit(d.carbon_g, u.carbon) +
    " and consuming " + withUnit(d.water_l, u.water) + " of water");
  var site = d.inputs || {};
  var operator = site.operator && site.operator !== "unknown" ? ", operator " + site.operator : "";
  parts.push(" at the site factors of " + zoneName(site.zone || site.location, m) + operator + ".");
  var est = estimatedDevices(d);
  if (est.length) { parts.push(" The " + andList(est.map(label)) + " energy is estimated, not measured."); }
  var ranged = [d.energy_kwh, d.carbon_g, d.water_l].some(isRange);
  parts.push(ranged ? " Ranges in brackets are the 5th–95th percentiles of the site factors;"
                    : " The site factors have no published range here, so each figure is a single value;");
  parts.push(" method " + (d.method_version || "not recorded") + ", data " + (d.data_version || "not recorded") + ".");
  return parts.join("");
}

/* A table of items with an energy in J (devices, windows): its energy column in one unit of the Wh family, as the
   cards and the chart (the API gives joules). */
function energyTable(id, items, cells, numeric) {
  var u = pickUnit("kWh", items.map(function (x) { return jToKwh(x.it_energy_j); }), "Wh");
  header($(id), "energy", u);
  var tb = $(id).querySelector("tbody");
  items.forEach(function (x) { row(tb, cells(x, num(inUnit(jToKwh(x.it_energy_j), u))), numeric); });
}

function showRun(runId, d, m) {
  $("run-body").hidden = false;
  $("export").setAttribute("href", API + "/runs/" + encodeURIComponent(runId) + "/export.csv");
  document.querySelector("h1").textContent = "Run " + d.run_id;
  $("runinfo").textContent = d.project + " · " + d.host + " · started " + utc(d.started_at) + " UTC" +
    (d.command ? " · " + d.command : "");
  var u = impactUnits([d.it_energy_kwh, d.energy_kwh], [d.carbon_g], [d.water_l]);
  var est = estimatedDevices(d);
  var estNote = est.length ? "estimated, not measured: " + est.map(label).join(", ") : "";
  var cards = $("cards");
  card(cards, "IT energy" + (est.length ? " (estimated)" : ""), inUnit(d.it_energy_kwh, u.energy), u.energy.name, estNote);
  card(cards, "facility energy" + (est.length ? " (estimated)" : ""), inUnit(d.energy_kwh, u.energy), u.energy.name, estNote);
  card(cards, "carbon", inUnit(d.carbon_g, u.carbon), u.carbon.name);
  card(cards, "water consumed", inUnit(d.water_l, u.water), u.water.name);
  $("statement").textContent = statement(d, u, m);
  var comps = d.it_energy_kwh_by_component || {};
  var names = Object.keys(comps);
  replaceChart("components", function (c) {
    return window.AIF.simpleBars(c, names.map(label), names.map(function (k) { return comps[k] / u.energy.k; }),
      "IT energy [" + u.energy.name + "]");
  });
  energyTable("devices", d.devices || [], function (x, energy) {
    return [x.device, label(x.component), x.method + (x.estimated ? " (estimated)" : ""), energy, num(x.last_power_w)];
  }, [3, 4]);
  var wins = d.windows || [];
  energyTable("windows", wins, function (w, energy) {
    return [w.name, num(w.start_s), num(w.duration_s), energy];
  }, [1, 2, 3]);
  $("windows").parentNode.hidden = !wins.length;
  $("no-windows").hidden = !!wins.length;
  fillAssumptions(d.assumptions, m);
  ["devices", "windows", "assumptions"].forEach(function (id) { wideTable($(id)); });
  listWarnings(d.warnings, m);
  listCitedSources(d, m);
  versions(d);
}

export function runPage() {
  var runId = new URLSearchParams(location.search).get("id");
  if (!runId) { showError("no run given: open a run from the runs table"); return; }
  Promise.all([api("/runs/" + encodeURIComponent(runId)), metaOrEmpty()]).then(function (got) {
    showRun(runId, got[0], got[1]);
    return true;
  }, function (e) {
    $("run-body").hidden = true;
    fail(e);
    return false;
  }).then(function (shown) {
    if (shown) { return powerChart(runId, MAX_SAMPLE_PAGES); }
  }).catch(fail);
}
