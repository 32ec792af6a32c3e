/* The estimator page (/dashboard/estimate.html): the form of POST /estimate/request and its result. */
import { api, meta } from "./api.js";
import { clear, clearError, fail, options, $ } from "./dom.js";
import { count, impactUnits, inUnit, whToKwh } from "./format.js";
import { card, listCitedSources, listWarnings, versions } from "./panels.js";
import { replaceChart } from "./plots.js";
import { fillAssumptions, wideTable } from "./tables.js";
import { label, zoneName } from "./words.js";

function showEstimate(d, m) {
  $("result").hidden = false;
  var i = d.inputs || {};
  $("resinfo").textContent = i.model + " on " + count(i.accelerators) + " × " + String(i.hardware).toUpperCase() +
    ", batch " + count(i.batch) + ", " + count(i.input_tokens) + " input / " + count(i.output_tokens) +
    " output tokens, boundary " + i.boundary + ", site factors of " + zoneName(i.zone || i.location, m);
  var u = impactUnits([whToKwh(d.energy_wh)], [d.carbon_g, d.embodied_carbon_g], [d.water_l]);
  var cards = $("cards");
  clear(cards);
  card(cards, "energy", inUnit(whToKwh(d.energy_wh), u.energy), u.energy.name);
  card(cards, "carbon", inUnit(d.carbon_g, u.carbon), u.carbon.name);
  card(cards, "water consumed", inUnit(d.water_l, u.water), u.water.name);
  if (d.embodied_carbon_g) { card(cards, "embodied carbon", inUnit(d.embodied_carbon_g, u.carbon), u.carbon.name); }
  card(cards, "latency", d.latency_s, "s");
  var b = d.breakdown_wh || {};
  var keys = Object.keys(b);
  replaceChart("breakdown", function (c) {
    return window.AIF.simpleBars(c, keys.map(label), keys.map(function (k) { return b[k] / 1000 / u.energy.k; }),
      "energy [" + u.energy.name + "]");
  });
  fillAssumptions(d.assumptions, m);
  wideTable($("assumptions"));
  listWarnings(d.warnings, m);
  listCitedSources(d, m);
  versions(d);
  $("result").setAttribute("data-ready", "1");
}

export function estimatePage() {
  var form = $("estimate-form");
  var m = {};
  meta().then(function (got) {
    m = got;
    options(form.elements.model, m.models, "llama-3.1-70b");
    options(form.elements.hardware, m.hardware, "h100");
  }).catch(fail);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearError();
    var f = form.elements;
    var body = { model: f.model.value, input_tokens: parseInt(f.input_tokens.value, 10),
      output_tokens: parseInt(f.output_tokens.value, 10), hardware: f.hardware.value, boundary: f.boundary.value };
    if (f.location.value) { body.location = f.location.value; }
    if (f.batch.value) { body.batch = parseInt(f.batch.value, 10); }
    api("/estimate/request", body).then(function (d) { showEstimate(d, m); }).catch(fail);
  });
}
