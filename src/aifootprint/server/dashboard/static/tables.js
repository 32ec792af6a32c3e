/* Tables: units in the column headers, the "scroll sideways" hint of a table wider than the screen, source cells
   and the assumptions table. */
import { clear, el, row, words, $ } from "./dom.js";
import { count, has, impactUnits, num, pickUnit } from "./format.js";
import { citesOf, knownKeys, label, unitLabel } from "./words.js";

/* Header cell ``th[data-col=key]`` of ``table``: its words and the unit chosen for its column. */
export function header(table, key, unit) {
  var th = table.querySelector("th[data-col=" + key + "]");
  if (!th) { return; }
  th.textContent = th.getAttribute("data-label") + " ";
  th.appendChild(el("span", "[" + unit.name + "]", { "class": "w" }));  // the unit kept whole: "[g CO2e]"
}

/* One unit per quantity for the energy (kWh), carbon (g) and water (L) columns of ``table``, chosen from the
   ``items``' it_energy_kwh, carbon_g and water_l and written into the column headers. */
export function columnUnits(table, items) {
  var pick = function (k) { return items.map(function (x) { return x[k]; }); };
  var u = impactUnits(pick("it_energy_kwh"), pick("carbon_g"), pick("water_l"));
  header(table, "energy", u.energy);
  header(table, "carbon", u.carbon);
  header(table, "water", u.water);
  return u;
}

/* The "scroll sideways" hint under ``table``'s scroll box (made on first use). */
export function hintFor(table) {
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
export function wideTable(table) {
  var hint = hintFor(table), box = table.parentNode;
  var check = function () { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
  check();
  if (!table.hasAttribute("data-hinted")) {
    table.setAttribute("data-hinted", "1");
    window.addEventListener("resize", check);
  }
}

/* A source cell: keys separated by commas, their citations (``m``: page metadata) on hover. */
export function sourceCell(text, m) {
  var span = el("span");
  span.appendChild(words(String(has(text) ? text : "").replace(/;/g, ", ")));
  var cites = citesOf(m);
  var found = knownKeys(text, cites);
  if (found.length) { span.setAttribute("title", found.map(function (k) { return k + ": " + cites[k]; }).join("\n")); }
  return span;
}

/* An assumption's value in words: numbers at three significant digits (a time in s with a prefix: 58.2 µs;
   whole-number inputs such as a batch size stay whole), units readable. */
function assumptionValue(a) {
  var v = a.value, u = a.unit;
  if (typeof v === "string" && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v.trim())) { v = Number(v); }
  if (typeof v !== "number") { return [has(v) ? String(v) : "–", unitLabel(u)]; }
  if (u === "s" && v !== 0 && Math.abs(v) < 1) {
    var unit = pickUnit("s", [v]);
    return [num(v / unit.k), unit.name];
  }
  return [Number.isInteger(v) ? count(v) : num(v), unitLabel(u)];
}

/* A unit cell: a unit of one or two words kept on one line ("g CO2e/kWh", not "g / CO2e/kWh"); a longer one
   ("× the best value") wraps between its words. */
function unitCell(unit) {
  var text = String(has(unit) ? unit : "");
  if (/^\S+( \S+)?$/.test(text)) { return el("span", text, { "class": "w" }); }
  var span = el("span");
  span.appendChild(words(text));
  return span;
}

/* The page's assumptions table (#assumptions): name in words (the id on hover), value, unit, sources. */
export function fillAssumptions(items, m) {
  var tb = $("assumptions").querySelector("tbody");
  clear(tb);
  (items || []).forEach(function (a) {
    var vu = assumptionValue(a);
    var name = el("span", null, { title: String(a.name) });
    name.appendChild(words(label(a.name)));
    row(tb, [name, vu[0], unitCell(vu[1]), sourceCell(a.source, m)]);
  });
}
