/* aifootprint dashboard: reads the REST API (/api/v1) and draws with the bundled Chart.js (charts.js helpers).
   Every value from the API is written with textContent (never innerHTML); no eval, no inline script. */
(function () {
  "use strict";
  var API = "/api/v1";
  var AIF = window.AIF;
  var fmt = AIF.fmt;

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

  /* {low,best,high} or a number -> "best (low–high)" */
  function rng(v) {
    if (v === null || v === undefined) { return "–"; }
    if (typeof v === "number") { return fmt(v); }
    if (v.low === v.high) { return fmt(v.best); }
    return fmt(v.best) + " (" + fmt(v.low) + "–" + fmt(v.high) + ")";
  }

  /* A value in a readable unit: below 0.1 of the big unit, the small one (kWh -> Wh, L -> mL). */
  /* [value, unit] in a readable unit: below 0.1 of the big unit, the small one (kWh -> Wh, L -> mL). */
  function scaled(v, big, small) {
    var b = best(v);
    if (b !== null && Math.abs(b) < 0.1) {
      var k = 1000;
      return [typeof v === "number" ? v * k : { low: v.low * k, best: v.best * k, high: v.high * k }, small];
    }
    return [v, big];
  }

  function readable(v, big, small) {
    var r = scaled(v, big, small);
    return [rng(r[0]), r[1]];
  }

  function scaledCard(container, label, v, big, small) {
    var r = scaled(v, big, small);
    card(container, label, r[0], r[1]);
  }

  function best(v) { return (v === null || v === undefined) ? null : (typeof v === "number" ? v : v.best); }

  function utc(unix) {
    if (unix === null || unix === undefined) { return "–"; }
    return new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 19);
  }

  function row(tbody, cells) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el("td");
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? "–" : String(c); }
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  /* A card: the best value large, its unit and 5th–95th percentile range below. ``value`` is a number, a
     {low,best,high} object or a ready string. */
  function card(container, label, value, unit) {
    var c = el("div", null, { "class": "card" });
    var shown = value, range = "";
    if (value !== null && typeof value === "object") {
      shown = fmt(value.best);
      if (value.low !== value.high) { range = " · 5th–95th percentile " + fmt(value.low) + "–" + fmt(value.high); }
    } else if (typeof value === "number") {
      shown = fmt(value);
    }
    c.appendChild(el("div", label, { "class": "label" }));
    c.appendChild(el("div", shown === null || shown === undefined ? "–" : shown, { "class": "value" }));
    c.appendChild(el("div", unit + range, { "class": "unit" }));
    container.appendChild(c);
  }

  function listWarnings(items) {
    var ul = $("warnings");
    clear(ul);
    (items || []).forEach(function (w) { ul.appendChild(el("li", typeof w === "string" ? w : (w.message || JSON.stringify(w)))); });
  }

  function fillAssumptions(items) {
    var tb = $("assumptions").querySelector("tbody");
    clear(tb);
    (items || []).forEach(function (a) { row(tb, [a.name, a.value, a.unit, a.source]); });
  }

  function versions(d) {
    if (d && d.method_version) {
      $("versions").textContent = "method " + d.method_version + " · data " + d.data_version +
        " · low/best/high are the 5th/50th/95th percentiles · works offline: every asset is bundled";
    }
  }

  var charts = {};
  function replaceChart(id, make) {
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = make($(id));
    $(id).setAttribute("data-drawn", "1");
  }

  function options(select, values, selected) {
    values.forEach(function (v) {
      var o = el("option", v, { value: v });
      if (v === selected) { o.selected = true; }
      select.appendChild(o);
    });
  }

  function dateToUnix(text, endOfDay) {
    if (!text) { return null; }
    var t = Date.parse(text + "T00:00:00Z") / 1000;
    return isFinite(t) ? t + (endOfDay ? 86400 : 0) : null;
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
        var tb = $("runs").querySelector("tbody");
        clear(tb);
        d.runs.forEach(function (r) {
          var a = el("a", r.run_id, { href: "/dashboard/run.html?id=" + encodeURIComponent(r.run_id) });
          row(tb, [a, r.project, r.name, r.host, utc(r.started_at), r.duration_s === null ? "running" : fmt(r.duration_s),
                   fmt(best(r.it_energy_kwh)), fmt(best(r.carbon_g)), fmt(best(r.water_l))]);
        });
        $("count").textContent = d.runs.length + " run(s), newest first";
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

  function statement(d) {
    var parts = ["Run " + d.run_id + " (" + d.name + ", project " + d.project + ", host " + d.host + ")"];
    parts.push(d.duration_s !== null && d.duration_s !== undefined ? " ran " + fmt(d.duration_s) + " s" : " is still running");
    parts.push(" and used " + readable(d.it_energy_kwh, "kWh", "Wh").join(" ") + " of IT electricity (" +
      readable(d.energy_kwh, "kWh", "Wh").join(" ") + " with the data-centre overhead), emitting " + rng(d.carbon_g) +
      " g CO2e and consuming " + readable(d.water_l, "L", "mL").join(" ") + " of water");
    var site = d.inputs || {};
    parts.push(" at " + (site.location || "an unknown location") + (site.operator ? " (operator " + site.operator + ")" : "") + ".");
    parts.push(" Ranges are the 5th–95th percentiles of the site factors; method " + (d.method_version || "not recorded") +
      ", data " + (d.data_version || "not recorded") + ".");
    return parts.join("");
  }

  function runPage() {
    var runId = new URLSearchParams(location.search).get("id");
    if (!runId) { showError("no run given: open a run from the runs table"); return; }
    $("export").setAttribute("href", API + "/runs/" + encodeURIComponent(runId) + "/export.csv");
    api("/runs/" + encodeURIComponent(runId)).then(function (d) {
      document.querySelector("h1").textContent = "Run " + d.run_id;
      $("runinfo").textContent = d.project + " · " + d.host + " · started " + utc(d.started_at) + " UTC" +
        (d.command ? " · " + d.command : "");
      var cards = $("cards");
      scaledCard(cards, "IT energy", d.it_energy_kwh, "kWh", "Wh");
      scaledCard(cards, "facility energy", d.energy_kwh, "kWh", "Wh");
      card(cards, "carbon", d.carbon_g, "g CO2e");
      scaledCard(cards, "water consumed", d.water_l, "L", "mL");
      $("statement").textContent = statement(d);
      var comps = d.it_energy_kwh_by_component || {};
      var names = Object.keys(comps);
      replaceChart("components", function (c) {
        return AIF.simpleBars(c, names, names.map(function (k) { return comps[k] * 1000; }), "IT energy [Wh]");
      });
      var tb = $("devices").querySelector("tbody");
      (d.devices || []).forEach(function (x) {
        row(tb, [x.device, x.component, x.method + (x.estimated ? " (estimated)" : ""), fmt(x.it_energy_j), fmt(x.last_power_w)]);
      });
      var wb = $("windows").querySelector("tbody");
      (d.windows || []).forEach(function (w) { row(wb, [w.name, fmt(w.start_s), fmt(w.duration_s), fmt(w.it_energy_j)]); });
      if (!(d.windows || []).length) { row(wb, ["no measured windows in this run", "", "", ""]); }
      fillAssumptions(d.assumptions);
      listWarnings(d.warnings);
      versions(d);
      return fetchSamples(runId, null, [], 0);
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
    function totals() {
      clearError();
      var name = form.elements.project.value;
      if (!name) { return; }
      api("/projects/" + encodeURIComponent(name) + "/totals?bucket=" + form.elements.bucket.value).then(function (d) {
        var cards = $("cards");
        clear(cards);
        scaledCard(cards, "IT energy", d.it_energy_kwh, "kWh", "Wh");
        scaledCard(cards, "facility energy", d.energy_kwh, "kWh", "Wh");
        card(cards, "carbon", d.carbon_g, "g CO2e");
        scaledCard(cards, "water", d.water_l, "L", "mL");
        var s = d.series || [];
        var bucket = form.elements.bucket.value;
        var labels = s.map(function (r) { return String(r.start).slice(0, bucket === "hour" ? 13 : 10).replace("T", " "); });
        replaceChart("totals", function (c) {
          return AIF.simpleBars(c, labels, s.map(function (r) { return r.energy_kwh; }),
            "facility energy [kWh per " + bucket + ", UTC]", true);
        });
        listWarnings(d.warnings);
        versions(d);
      }).catch(function (e) { showError(e.message); });
    }
    api("/projects").then(function (d) {
      var tb = $("projects").querySelector("tbody");
      d.projects.forEach(function (p) {
        row(tb, [p.name, p.runs, fmt(p.it_energy_kwh), fmt(p.carbon_g), fmt(p.water_l)]);
      });
      var q = new URLSearchParams(location.search).get("project");
      options(form.elements.project, d.projects.map(function (p) { return p.name; }), q);
      totals();
    }).catch(function (e) { showError(e.message); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); totals(); });
  }

  /* ---------------------------------------------------------------- estimator */
  function estimatePage() {
    var form = $("estimate-form");
    fetch("/dashboard/meta.json").then(function (r) { return r.json(); }).then(function (m) {
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
        $("resinfo").textContent = i.model + " on " + i.accelerators + " × " + String(i.hardware).toUpperCase() +
          ", batch " + i.batch + ", " + i.input_tokens + " input / " + i.output_tokens + " output tokens, boundary " +
          i.boundary + ", site " + i.location + " (zone " + i.zone + ")";
        var cards = $("cards");
        clear(cards);
        card(cards, "energy", d.energy_wh, "Wh");
        card(cards, "carbon", d.carbon_g, "g CO2e");
        card(cards, "water consumed", d.water_l === null || d.water_l === undefined ? null :
          { low: d.water_l.low * 1000, best: d.water_l.best * 1000, high: d.water_l.high * 1000 }, "mL");
        if (d.embodied_carbon_g) { card(cards, "embodied carbon", d.embodied_carbon_g, "g CO2e"); }
        card(cards, "latency", d.latency_s, "s");
        var b = d.breakdown_wh || {};
        var keys = Object.keys(b);
        replaceChart("breakdown", function (c) { return AIF.simpleBars(c, keys, keys.map(function (k) { return b[k]; }), "Wh"); });
        fillAssumptions(d.assumptions);
        listWarnings(d.warnings);
        versions(d);
        $("result").setAttribute("data-ready", "1");
      }).catch(function (e) { showError(e.message); });
    });
  }

  /* ---------------------------------------------------------------- scenarios */
  var UNITS_SCALE = { carbon_t: [1e-6, "Mt CO2e/yr"], water_consumption_l: [1e-12, "billion m³/yr"] };

  function seriesOf(d, key, label) {
    var per = d[key];
    if (!per) { return null; }
    var years = Object.keys(per).map(Number).sort(function (a, b) { return a - b; });
    var sc = UNITS_SCALE[key] ? UNITS_SCALE[key][0] : 1;
    var pick = function (k) { return years.map(function (y) { return per[String(y)][k] * sc; }); };
    var markers = (d.published || []).filter(function (p) { return p.output === key; }).map(function (p) {
      return { label: p.source + " " + p.year, x: p.year, value: p.value, low: p.low, high: p.high };
    });
    return { label: label, x: years, best: pick("best"), low: pick("low"), high: pick("high"), markers: markers };
  }

  function scenariosPage() {
    var form = $("scenario-form");
    function runIt() {
      clearError();
      var body = { name: form.elements.name.value, draws: parseInt(form.elements.draws.value, 10) };
      api("/scenario/run", body).then(function (d) {
        var i = d.inputs || {};
        $("scinfo").textContent = i.scenario + " (" + i.model + " model), " + i.draws + " draws, seed " + i.seed;
        var units = d.units || {};
        var main = seriesOf(d, "facility_energy_twh", "facility electricity");
        var it = seriesOf(d, "it_energy_twh", "IT electricity");
        replaceChart("energy", function (c) {
          return AIF.bandLines(c, [main, it].filter(Boolean), units.facility_energy_twh || "TWh/yr", "year");
        });
        [["carbon", "carbon_t"], ["water", "water_consumption_l"]].forEach(function (p) {
          var s = seriesOf(d, p[1], p[0]);
          replaceChart(p[0], function (c) {
            return AIF.bandLines(c, s ? [s] : [], UNITS_SCALE[p[1]][1], "year");
          });
        });
        var sens = (d.sensitivity && d.sensitivity.inputs) || [];
        var head = d[(d.sensitivity || {}).output] || {};
        var lastYear = Object.keys(head).sort().pop();
        var bars = sens.map(function (s) {
          var a = s[s.output + "_at_input_p5"], b = s[s.output + "_at_input_p95"];
          return { group: s.input + " (" + fmt(s.input_p5) + "–" + fmt(s.input_p95) + " " + s.input_unit + ")",
                   best: lastYear ? head[lastYear].best : (a + b) / 2, low: Math.min(a, b), high: Math.max(a, b) };
        });
        replaceChart("sensitivity", function (c) {
          return AIF.rangeBars(c, bars, (d.sensitivity && d.sensitivity.output_unit) || "", { color: 2 });
        });
        var tb = $("published").querySelector("tbody");
        clear(tb);
        (d.published || []).forEach(function (p) {
          var parts = [];
          if (p.value !== null && p.value !== undefined) { parts.push(fmt(p.value)); }
          if (p.low !== null || p.high !== null) { parts.push("range " + fmt(p.low) + "–" + fmt(p.high)); }
          var rep = [];
          if (p.reproduced_value !== null) { rep.push(fmt(p.reproduced_value) + " (nominal)"); }
          if (p.reproduced_low !== null || p.reproduced_high !== null) {
            rep.push(fmt(p.reproduced_low) + "–" + fmt(p.reproduced_high) + " (bounds)");
          }
          row(tb, [p.output, p.year, parts.join(", ") + " " + (p.unit || ""), rep.join(", "), p.source]);
        });
        var ul = $("sources");
        clear(ul);
        Object.keys(d.sources || {}).forEach(function (k) { ul.appendChild(el("li", k + ": " + d.sources[k])); });
        listWarnings(d.warnings);
        versions(d);
      }).catch(function (e) { showError(e.message); });
    }
    fetch("/dashboard/meta.json").then(function (r) { return r.json(); }).then(function (m) {
      var q = new URLSearchParams(location.search).get("name");
      options(form.elements.name, m.scenarios, q || "iea-2025-data-centres");
      runIt();
    }).catch(function (e) { showError(e.message); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); runIt(); });
  }

  var pages = { runs: runsPage, run: runPage, projects: projectsPage, estimate: estimatePage, scenarios: scenariosPage };
  var page = pages[document.body.getAttribute("data-page")];
  if (page) { page(); }
})();
