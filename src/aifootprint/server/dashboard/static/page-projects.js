/* The projects page (/dashboard/projects.html): projects with run counts and totals; one project's totals and its
   facility energy per hour, day or week. */
import { api, metaOrEmpty } from "./api.js";
import { clear, clearError, fail, options, row, $ } from "./dom.js";
import { count, impactUnits, inUnit, num } from "./format.js";
import { card, listWarnings, versions } from "./panels.js";
import { replaceChart } from "./plots.js";
import { columnUnits, wideTable } from "./tables.js";

export function projectsPage() {
  var form = $("totals-form");
  /* One unit per quantity on the page (table, cards and chart), chosen from the projects' totals. */
  var u = impactUnits([], [], []);
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
        return window.AIF.simpleBars(c, labels, s.map(function (r) { return r.energy_kwh / u.energy.k; }),
          "facility energy [" + u.energy.name + " per " + bucket + ", UTC]", true);
      });
      metaOrEmpty().then(function (m) { listWarnings(d.warnings, m); });
      versions(d);
    }).catch(fail);
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
  }).catch(fail);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); totals(); });
}
