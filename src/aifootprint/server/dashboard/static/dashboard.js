/* aifootprint dashboard: the entry module of every page (ES modules, no build step, served from this origin). It
   runs the page named by <body data-page=…>; the pages read the REST API (/api/v1) and draw with the bundled
   Chart.js (the index's charts.js helpers, window.AIF). Every value from the API is written with textContent
   (never innerHTML); no eval, no inline script.

   Modules, one job each: api.js (requests), format.js (numbers, units, times), words.js (labels, zones, sources,
   notices), dom.js (elements, rows, the error line), tables.js, panels.js (cards, warnings, sources), plots.js
   (charts, phone widths), bands.js (scenario trajectories) and one page-*.js per page. */
import { count, num, pickUnit, tick } from "./format.js";
import { estimatePage } from "./page-estimate.js";
import { projectsPage } from "./page-projects.js";
import { fetchSamples, powerChart, runPage, statement } from "./page-run.js";
import { runsPage } from "./page-runs.js";
import { notComputed, scenariosPage } from "./page-scenarios.js";
import { label, noticeText } from "./words.js";

/* For the browser tests and the console: the formatter, the label map and a few of the pages' parts. */
window.AIFD = { num: num, count: count, tick: tick, label: label, pickUnit: pickUnit, statement: statement,
  noticeText: noticeText, fetchSamples: fetchSamples, powerChart: powerChart, notComputed: notComputed };

var pages = { runs: runsPage, run: runPage, projects: projectsPage, estimate: estimatePage, scenarios: scenariosPage };
var page = pages[document.body.getAttribute("data-page")];
if (page) { page(); }
