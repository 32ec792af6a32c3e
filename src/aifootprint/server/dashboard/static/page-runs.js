/* The runs page (/dashboard/): the table of runs, newest first, with the filters kept in the address. */
import { api } from "./api.js";
import { clear, clearError, el, fail, options, row, $ } from "./dom.js";
import { best, count, dateToUnix, inUnit, num, utc } from "./format.js";
import { columnUnits, wideTable } from "./tables.js";

export function runsPage() {
  var form = $("filters");
  var q = new URLSearchParams(location.search);
  ["host", "since", "until", "limit"].forEach(function (k) { if (q.get(k)) { form.elements[k].value = q.get(k); } });

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
                 num(inUnit(best(r.it_energy_kwh), u.energy)), num(inUnit(best(r.carbon_g), u.carbon)),
                 num(inUnit(best(r.water_l), u.water))], [5, 6, 7, 8]);
      });
      var none = !d.runs.length;  // a sentence, not an empty table whose column units mean nothing
      table.parentNode.hidden = none;
      $("count").textContent = none ? "No runs match these filters." :
        count(d.runs.length) + (d.runs.length === 1 ? " run" : " runs") + ", newest first";
      wideTable(table);
    }).catch(fail);
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  /* The first load waits for the project list, so that a project in the address (?project=…) is selected and
     filters the table (it listed every project's runs, and the address lost the project). */
  api("/projects").then(function (d) {
    options(form.elements.project, d.projects.map(function (p) { return p.name; }), q.get("project"));
  }).then(load, function (e) { load(); fail(e); });
}
