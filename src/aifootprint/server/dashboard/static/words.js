/* Readable names: the one label map of the dashboard (identifiers of the API -> words), units, grid zones, source
   keys and the notices (warnings) written with them. */

import { has } from "./format.js";

/* Whether ``obj`` has ``key`` of its own. */
export function owns(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

/* Identifiers of the API (assumption names, outputs, sensitivity inputs, notice subjects) -> words. Unknown ids
   are turned into words by :func:`label` (``engine_seq_overhead_s`` -> "engine seq overhead"). */
var LABELS = {
  grid_intensity: "grid carbon intensity", intensity_g_per_kwh: "grid carbon intensity",
  market_intensity_g_per_kwh: "market-based grid carbon intensity",
  pue: "PUE (facility ÷ IT energy)", wue_onsite: "on-site water use (WUE)",
  wue_onsite_l_per_kwh: "on-site water use (WUE)", ewif_offsite: "off-site water of the electricity",
  ewif_l_per_kwh: "off-site water of the electricity",
  facility_energy_twh: "facility electricity", it_energy_twh: "IT electricity",
  it_energy_mwh_per_day: "IT electricity per day", carbon_t: "carbon", water_consumption_l: "water consumed",
  active_params_b: "active parameters", total_params_b: "total parameters", batch: "batch size",
  compute_fraction: "compute utilisation", bandwidth_fraction: "memory-bandwidth utilisation",
  base_power_w: "base power", power_limit_w: "power limit", energy_per_flop_pj: "energy per FLOP",
  energy_per_byte_pj: "energy per byte moved", engine: "serving engine",
  engine_step_overhead_s: "engine overhead per step", engine_seq_overhead_s: "engine overhead per sequence",
  engine_layer_overhead_s: "engine overhead per layer", precision: "numeric precision",
  band_5_95_factors: "5th–95th percentile band", host_power_w_per_accelerator: "host power per accelerator",
  idle_fraction: "idle share of the time", hardware_lifetime_years: "hardware lifetime",
  embodied_carbon_kg_per_accelerator: "embodied carbon per accelerator",
  host_embodied_carbon_kg_per_accelerator: "host embodied carbon per accelerator",
  ram_power_per_gb: "RAM power per GB", ram_size: "RAM size", cpu_tdp: "CPU TDP",
  cpu: "CPU", gpu: "GPU", ram: "RAM", prefill: "prefill", decode: "decode", host: "host", idle: "idle",
  overhead: "facility overhead", trajectory: "trajectory", estimated: "estimated",
  it_power_gw: "IT power", servers: "servers", server_power_kw: "server power", installed_servers: "installed servers",
  utilisation_fraction: "server utilisation", requests_per_day: "requests per day",
  energy_per_request_wh: "energy per request", demand_growth_fraction: "demand growth",
  efficiency_gain_fraction: "efficiency gain", rebound_elasticity: "rebound elasticity",
  power_w_per_accelerator: "power per accelerator", supply: "supply"
};
var UNIT_WORDS = ["s", "w", "pj", "twh", "gwh", "mwh", "kwh", "wh", "gb", "b", "l", "g", "t", "kg", "j",
  "per", "pct", "years"];

export function label(id) {
  if (!has(id)) { return "–"; }
  var key = String(id);
  if (owns(LABELS, key)) { return LABELS[key]; }
  var words = key.split(/[_\-]+/).filter(Boolean);
  while (words.length > 1 && UNIT_WORDS.indexOf(words[words.length - 1].toLowerCase()) >= 0) { words.pop(); }
  return words.join(" ") || key;
}

var UNIT_LABELS = { "-": "", "gCO2e/kWh": "g CO2e/kWh", "kgCO2e": "kg CO2e", "tCO2e/yr": "t CO2e/yr",
  "gCO2e": "g CO2e", "×": "× the best value" };

export function unitLabel(u) {
  if (!has(u)) { return ""; }
  return owns(UNIT_LABELS, u) ? UNIT_LABELS[u] : String(u);
}

/* "a", "a and b", "a, b and c". */
export function andList(items) {
  return items.length < 2 ? items.join("") : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
}

/* ``s`` with its first letter in capitals (the start of a sentence). */
export function capital(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

/* A grid zone in words: "France (FR)", "the world average" (``m``: the page metadata, /dashboard/meta.json). */
export function zoneName(code, m) {
  if (!code) { return "an unknown location"; }
  if (String(code).toUpperCase() === "WORLD") { return "the world average"; }
  var name = ((m || {}).zones || {})[code];
  return name ? name + " (" + code + ")" : String(code);
}

/* The source citations of page metadata ``m`` (key -> citation). */
export function citesOf(m) { return ((m || {}).sources) || {}; }

/* A source key as it is written in a text: letters and digits, with dots and hyphens inside ("CC-IEA19", "DV25b";
   a full stop after a key is not part of it). */
var KEY = "[A-Za-z0-9](?:[A-Za-z0-9.\\-]*[A-Za-z0-9])?";

/* The keys of ``cites`` (key -> citation) that ``text`` names, each once, in order. */
export function knownKeys(text, cites) {
  var found = [];
  (String(has(text) ? text : "").match(new RegExp(KEY, "g")) || []).forEach(function (k) {
    if (owns(cites, k) && found.indexOf(k) < 0) { found.push(k); }
  });
  return found;
}

/* A source key in words: its citation's author or publisher ("UPTIME" -> "Uptime Institute", "IEA25" -> "IEA");
   the key itself when the citation is unknown. */
export function sourceName(key, m) {
  var cite = citesOf(m)[key];
  if (!cite) { return key; }
  var name = String(cite).replace(/\s*\([^)]*\)/g, "").split(",")[0].trim();
  return name && name.length <= 40 ? name : key;
}

/* Source keys in a text ("UPTIME;GREENBIZ-WUE (2024)") in words ("Uptime Institute and GreenBiz (2024)"): a
   group of keys joined by ";" is put in words when every key of it is known. */
var UPPER_KEY = "[A-Z](?:[A-Za-z0-9.\\-]*[A-Za-z0-9])?";
var KEY_GROUP = new RegExp(UPPER_KEY + "(?:;" + UPPER_KEY + ")*", "g");
export function sourceWords(text, m) {
  var cites = citesOf(m);
  return String(text).replace(KEY_GROUP, function (group) {
    var keys = group.split(";");
    if (!keys.every(function (k) { return owns(cites, k); })) { return group; }
    return keys.map(function (k) { return sourceName(k, m); }).join(" and ");
  });
}

/* A notice's message in words: its leading identifier ("wue_onsite: …") and the ids and source keys inside it
   ("(it_*)" dropped, "UPTIME;GREENBIZ-WUE" -> "Uptime Institute and GreenBiz"). */
export function noticeText(w, m) {
  if (typeof w === "string") { return w; }
  var msg = w.message || JSON.stringify(w);
  var subject = w.subject || "";
  var rest = msg;
  var lead = "";
  if (subject && msg.indexOf(subject + ": ") === 0 && owns(LABELS, subject)) {
    lead = LABELS[subject] + ": ";
    rest = msg.slice(subject.length + 2);
  }
  rest = rest.replace(/\s*\([a-z]+_\*\)/g, "").replace(/\b[a-z]+(?:_[a-z0-9]+)+\b/g, function (id) {
    return owns(LABELS, id) ? LABELS[id] : id;
  });
  return lead + sourceWords(rest, m);
}
