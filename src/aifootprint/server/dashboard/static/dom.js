/* Page elements: look-up, creation (every value is written with textContent, never as markup), the error line,
   select options and table rows. */
import { has } from "./format.js";

export function $(id) { return document.getElementById(id); }

export function el(tag, text, attrs) {
  var node = document.createElement(tag);
  if (has(text)) { node.textContent = String(text); }
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  return node;
}

export function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

export function showError(msg) {
  var box = $("error");
  box.textContent = msg;
  box.hidden = false;
}

export function clearError() { $("error").hidden = true; }

/* The error of a failed request or drawing, shown on the error line (a promise's catch handler). */
export function fail(e) { showError(e.message); }

/* <option>s: ``values``, shown as ``names[value]`` when given; ``selected`` is selected. */
export function options(select, values, selected, names) {
  values.forEach(function (v) {
    var o = el("option", (names && names[v]) || v, { value: v });
    if (v === selected) { o.selected = true; }
    select.appendChild(o);
  });
}

/* ``text`` as its words, each in a ``span.w`` that never breaks (dashboard.css): a table cell wraps at spaces only,
   never inside an id at its hyphens ("gpu-/node-1", "demo-/measured-1" at 1280 px) nor inside a word. */
export function words(text) {
  var frag = document.createDocumentFragment();
  String(text).split(/(\s+)/).forEach(function (part) {
    if (!part) { return; }
    frag.appendChild(/^\s+$/.test(part) ? document.createTextNode(part) : el("span", part, { "class": "w" }));
  });
  return frag;
}

/* A table row; the cells at the indexes ``numeric`` are numbers (right-aligned). A cell is a node or a value
   ("–" when not given), written as :func:`words`. */
export function row(tbody, cells, numeric) {
  var tr = el("tr");
  cells.forEach(function (c, i) {
    var td = el("td", null, (numeric || []).indexOf(i) >= 0 ? { "class": "num" } : {});
    if (c instanceof Node) { td.appendChild(c); } else { td.appendChild(words(has(c) ? String(c) : "–")); }
    tr.appendChild(td);
  });
  tbody.appendChild(tr);
}
