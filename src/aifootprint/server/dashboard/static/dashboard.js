/* aifootprint dashboard: reads the REST API (/api/v1) and draws with the bundled Chart.js (charts.js helpers).
   Every value from the API is written with textContent (never innerHTML); no eval, no inline script. */
(function () {
  "use strict";
  var API = "/api/v1";
  var AIF = window.AIF;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function showError(msg) {
    var box = $("error");
    box.textContent = msg;
    box.hidden = false;
  }

  function clearError() { $("error").hidden = true; }

  function api(path, body) {
    var opts = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) };
    return fetch(API + path, opts).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var detail = data && (data.detail || data.error || data.message);
          if (Array.isArray(detail)) {
            detail = detail.map(function (d) { return (d.loc || []).join(".") + ": " + d.msg; }).join("; ");
          }
          throw new Error("HTTP " + r.status + ": " + (typeof detail === "string" ? detail : text.slice(0, 300)));
        }
        return data;
      });
    });
  }

  /* ------------------------------------------------------------ numbers and units
     One formatter for every number the pages write: plain notation (never 1.2e-4), three significant digits below
     100, trailing zeros kept (25.0, 2.60, 0.00260) so one page reads at one precision, whole numbers with thousands
     separators from 100 up. Counts (runs, draws, tokens) go through :func:`count`. Each column, card group or chart axis
     picks one unit prefix from its largest value (Wh / mWh / kWh, mL / L, mg / g / kg), so its numbers read
     plainly and the same quantity has the same unit on one page. */
  function num(x, sig) {
    if (x === null || x === undefined || typeof x !== "number" || !isFinite(x)) { return "–"; }
    if (x === 0) { return "0"; }
    if (Math.abs(x) >= 100) { return Math.round(x).toLocaleString("en-US"); }
    var digits = sig || 3;
    var r = Number(x.toPrecision(digits));
    if (Math.abs(r) >= 100) { return Math.round(r).toLocaleString("en-US"); }  // 99.96 -> 100
    return r.toLocaleString("en-US", { minimumSignificantDigits: digits, maximumSignificantDigits: digits });
  }

  /* A count (runs, draws, tokens, accelerators): the whole number with thousands separators. */
  function count(x) {
    if (x === null || x === undefined || typeof x !== "number" || !isFinite(x)) { return "–"; }
    return Math.round(x).toLocaleString("en-US");
  }

  /* An axis tick: the value itself, trimmed (0.5, 1, 2, 1,400; no trailing zeros, no exponent). */
  function tick(v, grouping) {
    if (typeof v !== "number" || !isFinite(v)) { return ""; }
    return Number(v.toPrecision(10)).toLocaleString("en-US", { maximumFractionDigits: 20, useGrouping: grouping !== false });
  }

  /* Log axis: only 1, 2 and 5 × a power of ten are labelled, so labels never overlap. */
  function logTick(v) {
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

  function best(v) { return (v === null || v === undefined) ? null : (typeof v === "number" ? v : v.best); }

  function top(v) {
    if (v === null || v === undefined) { return 0; }
    if (typeof v === "number") { return isFinite(v) ? Math.abs(v) : 0; }
    return Math.max(top(v.best), top(v.high), top(v.low));
  }

  /* {name, k} for values in the ``base`` unit: the largest unit in which the largest value is at least 1 (the
     smallest unit when all are smaller; ``fallback`` when there is no non-zero value). */
  function pickUnit(base, values, fallback) {
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

  /* ``v`` (number or {low,best,high}) in ``unit``. */
  function inUnit(v, unit) {
    if (v === null || v === undefined) { return null; }
    if (typeof v === "number") { return v / unit.k; }
    return { low: v.low / unit.k, best: v.best / unit.k, high: v.high / unit.k };
  }

  function isRange(v) {
    return v !== null && typeof v === "object" && typeof v.low === "number" && typeof v.high === "number" &&
      v.low < v.high;
  }

  /* {low,best,high} or a number -> "best" or "best (low–high)" when it is a range. */
  function rng(v) {
    if (v === null || v === undefined) { return "–"; }
    if (typeof v === "number") { return num(v); }
    if (!isRange(v)) { return num(v.best); }
    return num(v.best) + " (" + num(v.low) + "–" + num(v.high) + ")";
  }

  /* "best unit" or "best unit (low–high)", in ``unit``. */
  function withUnit(v, unit) {
    var u = inUnit(v, unit);
    if (!isRange(u)) { return num(best(u)) + " " + unit.name; }
    return num(u.best) + " " + unit.name + " (" + num(u.low) + "–" + num(u.high) + ")";
  }

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

  /* -------------------------------------------------------------- readable names
     The one label map of the dashboard: identifiers of the API (assumption names, outputs, sensitivity inputs,
     notice subjects) -> words. Unknown ids are turned into words (``engine_seq_overhead_s`` -> "engine seq
     overhead"). */
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

  function label(id) {
    if (id === null || id === undefined) { return "–"; }
    var key = String(id);
    if (owns(LABELS, key)) { return LABELS[key]; }
    var words = key.split(/[_\-]+/).filter(Boolean);
    while (words.length > 1 && UNIT_WORDS.indexOf(words[words.length - 1].toLowerCase()) >= 0) { words.pop(); }
    return words.join(" ") || key;
  }

  var UNIT_LABELS = { "-": "", "gCO2e/kWh": "g CO2e/kWh", "kgCO2e": "kg CO2e", "tCO2e/yr": "t CO2e/yr",
    "gCO2e": "g CO2e", "×": "× the best value" };
  function unitLabel(u) {
    if (u === null || u === undefined) { return ""; }
    return owns(UNIT_LABELS, u) ? UNIT_LABELS[u] : String(u);
  }

  /* Page metadata (/dashboard/meta.json): zone names, scenario titles, source citations. Fetched once; a page
     still works (with codes) when it fails. */
  var metaPromise = null;
  function meta() {
    if (!metaPromise) {
      metaPromise = fetch("/dashboard/meta.json").then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status + " for /dashboard/meta.json"); }
        return r.json();
      });
    }
    return metaPromise;
  }
  function metaOrEmpty() { return meta().catch(function () { return {}; }); }

  /* The source citations of page metadata ``m`` (key -> citation). */
  function citesOf(m) { return ((m || {}).sources) || {}; }

  /* Whether ``obj`` has ``key`` of its own. */
  function owns(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  function has(v) { return v !== null && v !== undefined; }

  /* A grid zone in words: "France (FR)", "the world average". */
  function zoneName(code, m) {
    if (!code) { return "an unknown location"; }
    if (String(code).toUpperCase() === "WORLD") { return "the world average"; }
    var name = ((m || {}).zones || {})[code];
    return name ? name + " (" + code + ")" : String(code);
  }

  /* A source key in words: its citation's author or publisher ("UPTIME" -> "Uptime Institute", "IEA25" -> "IEA");
     the key itself when the citation is unknown. */
  function sourceName(key, m) {
    var cite = citesOf(m)[key];
    if (!cite) { return key; }
    var name = String(cite).replace(/\s*\([^)]*\)/g, "").split(",")[0].trim();
    return name && name.length <= 40 ? name : key;
  }

  /* Source keys in a text ("UPTIME;GREENBIZ-WUE (2024)") in words ("Uptime Institute and GreenBiz (2024)"). */
  function sourceWords(text, m) {
    var cites = citesOf(m);
    return String(text).replace(/[A-Z][A-Za-z0-9.\-]*(?:;[A-Z][A-Za-z0-9.\-]*)*/g, function (group) {
      var keys = group.split(";");
      if (!keys.every(function (k) { return owns(cites, k); })) { return group; }
      return keys.map(function (k) { return sourceName(k, m); }).join(" and ");
    });
  }

  /* A notice's message in words: its leading identifier ("wue_onsite: …") and the ids and source keys inside it
     ("(it_*)" dropped, "UPTIME;GREENBIZ-WUE" -> "Uptime Institute and GreenBiz"). */
  function noticeText(w, m) {
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

  /* A source cell: keys separated by commas, their citations on hover. */
  function sourceCell(text, m) {
    var t = String(text === null || text === undefined ? "" : text).replace(/;/g, ", ");
    var span = el("span", t);
    var cites = citesOf(m);
    var found = (String(text || "").match(/[A-Za-z0-9][A-Za-z0-9.\-]*/g) || []).filter(function (k) {
      return owns(cites, k);
    });
    if (found.length) { span.setAttribute("title", found.map(function (k) { return k + ": " + cites[k]; }).join("\n")); }
    return span;
  }


  function utc(unix) {
    if (unix === null || unix === undefined) { return "–"; }
    return new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 19);
  }

  /* A table row; the cells at the indexes ``numeric`` are numbers (right-aligned). */
  function row(tbody, cells, numeric) {
    var tr = el("tr");
    cells.forEach(function (c, i) {
      var td = el("td", null, (numeric || []).indexOf(i) >= 0 ? { "class": "num" } : {});
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? "–" : String(c); }
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  /* A card: the best value large; below, its unit, the 5th–95th percentile range when there is one (low < high)
     and ``note`` (e.g. "estimated, not measured"). ``value`` is a number, a {low,best,high} object or a string. */
  function card(container, title, value, unit, note) {
    var c = el("div", null, { "class": "card" + (note ? " flagged" : "") });
    var shown = value, range = "";
    if (value !== null && typeof value === "object") {
      shown = num(value.best);
      if (isRange(value)) { range = " · 5th–95th percentile " + num(value.low) + "–" + num(value.high); }
    } else if (typeof value === "number") {
      shown = num(value);
    }
    c.appendChild(el("div", title, { "class": "label" }));
    c.appendChild(el("div", shown === null || shown === undefined ? "–" : shown, { "class": "value" }));
    c.appendChild(el("div", (unit || "") + range, { "class": "unit" }));
    if (note) { c.appendChild(el("div", note, { "class": "note" })); }
    container.appendChild(c);
  }

  function listWarnings(items, m) {
    var ul = $("warnings");
    clear(ul);
    (items || []).forEach(function (w) {
      var li = el("li", noticeText(w, m));
      if (w && typeof w === "object") {
        if (w.code) { li.setAttribute("data-code", w.code); }
        if (w.source) {
          var cites = citesOf(m);
          li.setAttribute("title", "source: " + String(w.source).split(";").map(function (k) {
            return cites[k] ? k + ": " + cites[k] : k;
          }).join("\n"));
        }
      }
      ul.appendChild(li);
    });
  }

  /* An assumption's value in words: numbers at three significant digits (a time in s with a prefix: 58.2 µs;
     whole-number inputs such as a batch size stay whole), units readable. */
  function assumptionValue(a) {
    var v = a.value, u = a.unit;
    if (typeof v === "string" && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v.trim())) { v = Number(v); }
    if (typeof v !== "number") { return [v === null || v === undefined ? "–" : String(v), unitLabel(u)]; }
    if (u === "s" && v !== 0 && Math.abs(v) < 1) {
      var unit = pickUnit("s", [v]);
      return [num(v / unit.k), unit.name];
    }
    return [Number.isInteger(v) ? count(v) : num(v), unitLabel(u)];
  }

  function fillAssumptions(items, m) {
    var tb = $("assumptions").querySelector("tbody");
    clear(tb);
    (items || []).forEach(function (a) {
      var vu = assumptionValue(a);
      var name = el("span", label(a.name), { title: String(a.name) });
      row(tb, [name, vu[0], vu[1], sourceCell(a.source, m)]);
    });
  }

  function versions(d) {
    if (d && d.method_version) {
      $("versions").textContent = "method " + d.method_version + " · data " + d.data_version +
        " · low/best/high are the 5th/50th/95th percentiles · works offline: every asset is bundled";
    }
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

  var charts = {};
  function replaceChart(id, make, plain) {
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = fitNarrow(tidy(make($(id)), plain));
    $(id).setAttribute("data-drawn", "1");
  }

  /* <option>s: ``values``, shown as ``names[value]`` when given. */
  function options(select, values, selected, names) {
    values.forEach(function (v) {
      var o = el("option", (names && names[v]) || v, { value: v });
      if (v === selected) { o.selected = true; }
      select.appendChild(o);
    });
  }

  function dateToUnix(text, endOfDay) {
    if (!text) { return null; }
    var t = Date.parse(text + "T00:00:00Z") / 1000;
    return isFinite(t) ? t + (endOfDay ? 86400 : 0) : null;
  }

  /* Header cell ``th[data-col=key]`` of ``table``: its words and the unit chosen for its column. */
  function header(table, key, unit) {
    var th = table.querySelector("th[data-col=" + key + "]");
    if (th) { th.textContent = th.getAttribute("data-label") + " [" + unit.name + "]"; }
  }

  /* The "scroll sideways" hint under ``table``'s scroll box (made on first use). */
  function hintFor(table) {
    var box = table.parentNode, next = box.nextElementSibling;
    if (next && next.classList.contains("hint")) { return next; }
    var hint = el("p", "The table is wider than the screen: scroll it sideways for the other columns →",
                  { "class": "muted hint", "data-hint-for": table.id });
    hint.hidden = true;
    box.parentNode.insertBefore(hint, box.nextSibling);
    return hint;
  }

  /* Shows the "scroll sideways" hint under ``table`` while the table is wider than its box: checked now (after each
     fill of a table filled again and again: a new run list, project list, estimate or scenario) and on each resize
     (one listener per table). */
  function wideTable(table) {
    var hint = hintFor(table), box = table.parentNode;
    var check = function () { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
    check();
    if (!table.hasAttribute("data-hinted")) {
      table.setAttribute("data-hinted", "1");
      window.addEventListener("resize", check);
    }
  }

  /* One unit per quantity for the energy (kWh), carbon (g) and water (L) columns of ``table``, chosen from the
     ``items``' it_energy_kwh, carbon_g and water_l and written into the column headers. */
  function columnUnits(table, items) {
    var pick = function (k) { return items.map(function (x) { return x[k]; }); };
    var u = { energy: pickUnit("kWh", pick("it_energy_kwh"), "Wh"), carbon: pickUnit("g", pick("carbon_g"), "g"),
              water: pickUnit("L", pick("water_l"), "mL") };
    header(table, "energy", u.energy);
    header(table, "carbon", u.carbon);
    header(table, "water", u.water);
    return u;
  }

  /* ---------------------------------------------------------------- runs */
  function runsPage() {
    var form = $("filters");
    var q = new URLSearchParams(location.search);
    ["host", "since", "until", "limit"].forEach(function (k) { if (q.get(k)) { form.elements[k].value = q.get(k); } });
    api("/projects").then(function (d) {
      options(form.elements.project, d.projects.map(function (p) { return p.name; }), q.get("project"));
    }).catch(function (e) { showError(e.message); });

    function load() {
      clearError();
      var params = new URLSearchParams();
      var f = form.elements;
      if (f.project.value) { params.set("project", f.project.value); }
      if (f.host.value) { params.set("host", f.host.value); }
      var since = dateToUnix(f.since.value, false), until = dateToUnix(f.until.value, true);
      if (since !== null) { params.set("since", since); }
      if (until !== null) { params.set("until", until); }
      params.set("limit", f.limit.value || "100");
      var shown = new URLSearchParams(params);
      if (f.since.value) { shown.set("since", f.since.value); }
      if (f.until.value) { shown.set("until", f.until.value); }
      history.replaceState(null, "", "?" + shown.toString());
      api("/runs?" + params.toString()).then(function (d) {
        var table = $("runs"), tb = table.querySelector("tbody");
        clear(tb);
        var u = columnUnits(table, d.runs);
        d.runs.forEach(function (r) {
          var a = el("a", r.run_id, { href: "/dashboard/run.html?id=" + encodeURIComponent(r.run_id) });
          row(tb, [a, r.project, r.name, r.host, utc(r.started_at), r.duration_s === null ? "running" : num(r.duration_s),
                   rng(inUnit(best(r.it_energy_kwh), u.energy)), rng(inUnit(best(r.carbon_g), u.carbon)),
                   rng(inUnit(best(r.water_l), u.water))], [5, 6, 7, 8]);
        });
        $("count").textContent = count(d.runs.length) + (d.runs.length === 1 ? " run" : " runs") + ", newest first";
        wideTable(table);
      }).catch(function (e) { showError(e.message); });
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
    load();
  }

  /* ---------------------------------------------------------------- run detail */
  /* Every sample of the run, page by page along the API's ``next`` cursor (at most 20 pages of 5,000). */
  function fetchSamples(runId, next, acc, pages) {
    var q = new URLSearchParams({ limit: "5000" });
    if (next) { q.set("after_t_s", next.after_t_s); q.set("after_device", next.after_device); }
    return api("/runs/" + encodeURIComponent(runId) + "/samples?" + q.toString()).then(function (d) {
      acc.push.apply(acc, d.samples);
      return (d.next && pages < 20) ? fetchSamples(runId, d.next, acc, pages + 1) : acc;
    });
  }

  /* The devices whose energy is a model (TDP × utilisation, W per GB), not a measurement. */
  function estimatedDevices(d) {
    return (d.devices || []).filter(function (x) { return x.estimated; }).map(function (x) { return x.device; });
  }

  /* "a", "a and b", "a, b and c". */
  function andList(items) {
    return items.length < 2 ? items.join("") : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  function statement(d, u, m) {
    var parts = ["Run " + d.run_id + " (" + d.name + ", project " + d.project + ", host " + d.host + ")"];
    parts.push(d.duration_s !== null && d.duration_s !== undefined ? " ran " + num(d.duration_s) + " s" : " is still running");
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

  function runPage() {
    var runId = new URLSearchParams(location.search).get("id");
    if (!runId) { showError("no run given: open a run from the runs table"); return; }
    Promise.all([api("/runs/" + encodeURIComponent(runId)), metaOrEmpty()]).then(function (got) {
      var d = got[0], m = got[1];
      $("run-body").hidden = false;
      $("export").setAttribute("href", API + "/runs/" + encodeURIComponent(runId) + "/export.csv");
      document.querySelector("h1").textContent = "Run " + d.run_id;
      $("runinfo").textContent = d.project + " · " + d.host + " · started " + utc(d.started_at) + " UTC" +
        (d.command ? " · " + d.command : "");
      var u = { energy: pickUnit("kWh", [d.it_energy_kwh, d.energy_kwh], "Wh"), carbon: pickUnit("g", [d.carbon_g]),
                water: pickUnit("L", [d.water_l], "mL") };
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
        return AIF.simpleBars(c, names.map(label), names.map(function (k) { return comps[k] / u.energy.k; }),
          "IT energy [" + u.energy.name + "]");
      });
      var devs = d.devices || [];
      /* The tables in the Wh family, as the cards and the chart (the API gives joules: 1 kWh = 3.6 MJ). */
      var kwh = function (j) { return (j === null || j === undefined) ? null : j / 3.6e6; };
      var ju = pickUnit("kWh", devs.map(function (x) { return kwh(x.it_energy_j); }), "Wh");
      header($("devices"), "energy", ju);
      var tb = $("devices").querySelector("tbody");
      devs.forEach(function (x) {
        row(tb, [x.device, label(x.component), x.method + (x.estimated ? " (estimated)" : ""),
                 num(inUnit(kwh(x.it_energy_j), ju)), num(x.last_power_w)], [3, 4]);
      });
      var wins = d.windows || [];
      var wu = pickUnit("kWh", wins.map(function (w) { return kwh(w.it_energy_j); }), "Wh");
      header($("windows"), "energy", wu);
      var wb = $("windows").querySelector("tbody");
      wins.forEach(function (w) {
        row(wb, [w.name, num(w.start_s), num(w.duration_s), num(inUnit(kwh(w.it_energy_j), wu))], [1, 2, 3]);
      });
      $("windows").parentNode.hidden = !wins.length;
      $("no-windows").hidden = !!wins.length;
      fillAssumptions(d.assumptions, m);
      ["devices", "windows", "assumptions"].forEach(function (id) { wideTable($(id)); });
      listWarnings(d.warnings, m);
      versions(d);
      return fetchSamples(runId, null, [], 0);
    }, function (e) {
      $("run-body").hidden = true;
      showError(e.message);
      return null;
    }).then(function (samples) {
      if (!samples) { return; }
      var byDevice = {};
      samples.forEach(function (s) {
        if (s.power_w === null || s.power_w === undefined) { return; }
        (byDevice[s.device] = byDevice[s.device] || { x: [], y: [] });
        byDevice[s.device].x.push(s.t_s);
        byDevice[s.device].y.push(s.power_w);
      });
      var series = Object.keys(byDevice).map(function (k) {
        return { label: k, x: byDevice[k].x, best: byDevice[k].y, low: [], high: [], markers: [] };
      });
      replaceChart("power", function (c) { return AIF.bandLines(c, series, "power [W]", "time since start [s]"); });
    }).catch(function (e) { showError(e.message); });
  }

  /* ---------------------------------------------------------------- projects */
  function projectsPage() {
    var form = $("totals-form");
    /* One unit per quantity on the page (table, cards and chart), chosen from the projects' totals. */
    var u = { energy: pickUnit("kWh", [], "Wh"), carbon: pickUnit("g", [], "g"), water: pickUnit("L", [], "mL") };
    function totals() {
      clearError();
      var name = form.elements.project.value;
      if (!name) { return; }
      api("/projects/" + encodeURIComponent(name) + "/totals?bucket=" + form.elements.bucket.value).then(function (d) {
        var cards = $("cards");
        clear(cards);
        card(cards, "IT energy", inUnit(d.it_energy_kwh, u.energy), u.energy.name);
        card(cards, "facility energy", inUnit(d.energy_kwh, u.energy), u.energy.name);
        card(cards, "carbon", inUnit(d.carbon_g, u.carbon), u.carbon.name);
        card(cards, "water", inUnit(d.water_l, u.water), u.water.name);
        var s = d.series || [];
        var bucket = form.elements.bucket.value;
        var labels = s.map(function (r) { return String(r.start).slice(0, bucket === "hour" ? 13 : 10).replace("T", " "); });
        replaceChart("totals", function (c) {
          return AIF.simpleBars(c, labels, s.map(function (r) { return r.energy_kwh / u.energy.k; }),
            "facility energy [" + u.energy.name + " per " + bucket + ", UTC]", true);
        });
        metaOrEmpty().then(function (m) { listWarnings(d.warnings, m); });
        versions(d);
      }).catch(function (e) { showError(e.message); });
    }
    api("/projects").then(function (d) {
      var table = $("projects"), tb = table.querySelector("tbody");
      u = columnUnits(table, d.projects);
      d.projects.forEach(function (p) {
        row(tb, [p.name, count(p.runs), num(inUnit(p.it_energy_kwh, u.energy)), num(inUnit(p.carbon_g, u.carbon)),
                 num(inUnit(p.water_l, u.water))], [1, 2, 3, 4]);
      });
      wideTable(table);
      var q = new URLSearchParams(location.search).get("project");
      options(form.elements.project, d.projects.map(function (p) { return p.name; }), q);
      totals();
    }).catch(function (e) { showError(e.message); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); totals(); });
  }

  /* ---------------------------------------------------------------- estimator */
  function estimatePage() {
    var form = $("estimate-form");
    var m = {};
    meta().then(function (got) {
      m = got;
      options(form.elements.model, m.models, "llama-3.1-70b");
      options(form.elements.hardware, m.hardware, "h100");
    }).catch(function (e) { showError(e.message); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearError();
      var f = form.elements;
      var body = { model: f.model.value, input_tokens: parseInt(f.input_tokens.value, 10),
        output_tokens: parseInt(f.output_tokens.value, 10), hardware: f.hardware.value, boundary: f.boundary.value };
      if (f.location.value) { body.location = f.location.value; }
      if (f.batch.value) { body.batch = parseInt(f.batch.value, 10); }
      api("/estimate/request", body).then(function (d) {
        $("result").hidden = false;
        var i = d.inputs || {};
        $("resinfo").textContent = i.model + " on " + count(i.accelerators) + " × " + String(i.hardware).toUpperCase() +
          ", batch " + count(i.batch) + ", " + count(i.input_tokens) + " input / " + count(i.output_tokens) +
          " output tokens, boundary " + i.boundary + ", site factors of " + zoneName(i.zone || i.location, m);
        var kwh = function (v) { return v === null || v === undefined ? null : inUnit(v, { k: 1000 }); };  // Wh -> kWh
        var eu = pickUnit("kWh", [kwh(d.energy_wh)], "Wh");
        var cu = pickUnit("g", [d.carbon_g, d.embodied_carbon_g], "g");
        var wu = pickUnit("L", [d.water_l], "mL");
        var cards = $("cards");
        clear(cards);
        card(cards, "energy", inUnit(kwh(d.energy_wh), eu), eu.name);
        card(cards, "carbon", inUnit(d.carbon_g, cu), cu.name);
        card(cards, "water consumed", inUnit(d.water_l, wu), wu.name);
        if (d.embodied_carbon_g) { card(cards, "embodied carbon", inUnit(d.embodied_carbon_g, cu), cu.name); }
        card(cards, "latency", d.latency_s, "s");
        var b = d.breakdown_wh || {};
        var keys = Object.keys(b);
        replaceChart("breakdown", function (c) {
          return AIF.simpleBars(c, keys.map(label), keys.map(function (k) { return b[k] / 1000 / eu.k; }),
            "energy [" + eu.name + "]");
        });
        fillAssumptions(d.assumptions, m);
        wideTable($("assumptions"));
        listWarnings(d.warnings, m);
        versions(d);
        $("result").setAttribute("data-ready", "1");
      }).catch(function (e) { showError(e.message); });
    });
  }

  /* ---------------------------------------------------------------- scenarios */
  var UNITS_SCALE = { carbon_t: [1e-6, "Mt CO2e/yr"], water_consumption_l: [1e-12, "billion m³/yr"] };
  /* Published figures on the charts: one marker shape and colour each, so the legend tells them apart. */
  var MARKERS = [["rectRot", "#222222"], ["triangle", "#8e44ad"], ["star", "#d35400"], ["crossRot", "#16a085"],
    ["rect", "#7f8c8d"], ["rectRounded", "#2c3e50"]];

  function seriesOf(d, key, name, m) {
    var per = d[key];
    if (!per) { return null; }
    var years = Object.keys(per).map(Number).sort(function (a, b) { return a - b; });
    var sc = UNITS_SCALE[key] ? UNITS_SCALE[key][0] : 1;
    var pick = function (k) { return years.map(function (y) { return per[String(y)][k] * sc; }); };
    var markers = (d.published || []).filter(function (p) { return p.output === key; }).map(function (p) {
      var figure = has(p.value) ? num(p.value) : "";
      if (has(p.low) && has(p.high)) { figure += (figure ? " (" : "") + num(p.low) + "–" + num(p.high) + (figure ? ")" : ""); }
      return { label: p.year + " (" + sourceName(p.source, m) + "): " + figure, x: p.year, value: p.value,
               low: p.low, high: p.high };
    });
    return { label: name, x: years, best: pick("best"), low: pick("low"), high: pick("high"), markers: markers };
  }

  /* Finishes a band chart of :func:`AIF.bandLines`: the x axis spans the scenario's years only (one year: that
     year ± 1, whole years); the shaded band is named "5–95 % range" in the legend, and with a single year it is
     drawn as an error bar (a band of one point is invisible); each published figure has its own marker, with its
     value as a larger point between the ends of its range. */
  function finishBands(chart, series) {
    var years = [];
    var markers = {};
    series.forEach(function (s) {
      years = years.concat(s.x);
      (s.markers || []).forEach(function (mk) { years.push(mk.x); markers["published: " + mk.label] = mk; });
    });
    var single = years.length > 0 && years.every(function (y) { return y === years[0]; });
    var kept = [];
    chart.data.datasets.forEach(function (ds) {
      var text = String(ds.label);
      var mk = markers[text];
      if (mk && mk.value !== null && mk.value !== undefined && ds.data.length === 2 &&
          ds.data[0].y !== ds.data[1].y) {
        ds.data = [ds.data[0], { x: mk.x, y: mk.value }, ds.data[1]];
        ds.pointRadius = [3, 7, 3];
      }
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
          ds.data = [{ x: s.x[0], y: s.low[0] }, { x: s.x[0], y: s.high[0] }];
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

  function dropChart(id) {
    if (charts[id]) { charts[id].destroy(); delete charts[id]; }
    $(id).removeAttribute("data-drawn");
  }

  /* A citation as text with its web addresses as links. */
  function citation(li, text) {
    var rest = String(text);
    var re = /https?:\/\/[^\s]+?(?=[.,;)]?(?:\s|$))/;
    var hit = rest.match(re);
    while (hit) {
      li.appendChild(document.createTextNode(rest.slice(0, hit.index)));
      li.appendChild(el("a", hit[0], { href: hit[0], rel: "noopener noreferrer" }));
      rest = rest.slice(hit.index + hit[0].length);
      hit = rest.match(re);
    }
    li.appendChild(document.createTextNode(rest));
  }

  function scenariosPage() {
    var form = $("scenario-form");
    var m = {};
    function runIt() {
      clearError();
      var body = { name: form.elements.name.value, draws: parseInt(form.elements.draws.value, 10) };
      api("/scenario/run", body).then(function (d) {
        var i = d.inputs || {};
        var title = (m.scenario_titles || {})[i.scenario] || label(i.scenario);
        $("scinfo").textContent = title + " · " + label(i.model) + " model · " + count(i.draws) + " draws · seed " + i.seed;
        var units = d.units || {};
        var main = seriesOf(d, "facility_energy_twh", "facility electricity", m);
        var it = seriesOf(d, "it_energy_twh", "IT electricity", m);
        var energy = [main, it].filter(Boolean);
        replaceChart("energy", function (c) {
          return finishBands(AIF.bandLines(c, energy, units.facility_energy_twh || "TWh/yr", "year"), energy);
        }, ["x"]);
        var missing = [];
        [["carbon", "carbon_t"], ["water", "water_consumption_l"]].forEach(function (p) {
          var s = seriesOf(d, p[1], label(p[1]), m);
          $(p[0]).parentNode.hidden = !s;
          if (!s) { dropChart(p[0]); missing.push(p[0]); return; }
          replaceChart(p[0], function (c) {
            return finishBands(AIF.bandLines(c, [s], UNITS_SCALE[p[1]][1], "year"), [s]);
          }, ["x"]);
        });
        $("cw").hidden = missing.length === 2;
        $("cw-note").hidden = !missing.length;
        $("cw-note").textContent = missing.length ? andList(missing).replace(/^c/, "C") + (missing.length > 1 ? " are" : " is") +
          " not computed for this scenario: carbon needs a location or a grid carbon intensity, water a location or" +
          " water-use factors (WUE and the electricity's off-site water)." : "";
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
        } else {
          var bars = sens.map(function (s) {
            var a = s[s.output + "_at_input_p5"], b = s[s.output + "_at_input_p95"];
            var unit = unitLabel(s.input_unit);  // no space before ")" when the input has no unit
            return { group: label(s.input) + " (" + num(s.input_p5) + "–" + num(s.input_p95) + (unit ? " " + unit : "") + ")",
                     best: lastYear ? head[lastYear].best : (a + b) / 2, low: Math.min(a, b), high: Math.max(a, b) };
          });
          replaceChart("sensitivity", function (c) {
            return AIF.rangeBars(c, bars, label(sensOut) + " [" + ((d.sensitivity && d.sensitivity.output_unit) || "") +
              "] with each input at its 5th and 95th percentile", { color: 2 });
          });
        }
        /* Citations: the page's and the scenario's own (a custom scenario's sources). */
        var cites = Object.assign({}, m.sources || {}, d.sources || {});
        var tb = $("published").querySelector("tbody");
        clear(tb);
        (d.published || []).forEach(function (p) {
          var parts = [];
          if (has(p.value)) { parts.push(num(p.value)); }
          if (has(p.low) || has(p.high)) { parts.push("range " + num(p.low) + "–" + num(p.high)); }
          var rep = [];
          if (has(p.reproduced_value)) { rep.push(num(p.reproduced_value) + " (nominal)"); }
          if (has(p.reproduced_low) || has(p.reproduced_high)) {
            rep.push(num(p.reproduced_low) + "–" + num(p.reproduced_high) + " (bounds)");
          }
          var unit = unitLabel(p.unit);
          row(tb, [label(p.output), p.year, parts.join(", ") + " " + unit,
                   rep.length ? rep.join(", ") + " " + unit : "–",
                   sourceCell(p.source, { sources: cites })]);
        });
        var none = !(d.published || []).length;  // a sentence, not an empty table
        $("published").parentNode.hidden = none;
        $("no-published").hidden = !none;
        if (none) { hintFor($("published")).hidden = true; } else { wideTable($("published")); }
        /* Sources: the scenario's, and every one its published figures and warnings cite. */
        var keys = Object.keys(d.sources || {});
        var cite = function (text) {
          String(text || "").split(/[;,\s]+/).forEach(function (k) {
            if (k && owns(cites, k) && keys.indexOf(k) < 0) { keys.push(k); }
          });
        };
        (d.published || []).forEach(function (p) { cite(p.source); });
        (d.warnings || []).forEach(function (w) { if (w && typeof w === "object") { cite(w.source); } });
        var ul = $("sources");
        clear(ul);
        keys.forEach(function (k) {
          var li = el("li", null, { "data-key": k });
          citation(li, k + ": " + cites[k]);
          ul.appendChild(li);
        });
        listWarnings(d.warnings, m);
        versions(d);
      }).catch(function (e) { showError(e.message); });
    }
    meta().then(function (got) {
      m = got;
      var q = new URLSearchParams(location.search).get("name");
      options(form.elements.name, m.scenarios, q || "iea-2025-data-centres", m.scenario_titles);
      runIt();
    }).catch(function (e) { showError(e.message); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); runIt(); });
  }

  /* For the browser tests and the console: the formatter and the label map. */
  window.AIFD = { num: num, count: count, tick: tick, label: label, pickUnit: pickUnit, statement: statement,
    noticeText: noticeText };

  var pages = { runs: runsPage, run: runPage, projects: projectsPage, estimate: estimatePage, scenarios: scenariosPage };
  var page = pages[document.body.getAttribute("data-page")];
  if (page) { page(); }
})();
