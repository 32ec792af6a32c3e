/* The blocks around the tables and charts: result cards, the warnings list, the versions footer and the sources
   list. */
import { clear, el, $ } from "./dom.js";
import { has, isRange, num, span } from "./format.js";
import { citesOf, knownKeys, noticeText } from "./words.js";

/* A card: the best value large; below, its unit, the 5th–95th percentile range when there is one (low < high)
   and ``note`` (e.g. "estimated, not measured"). ``value`` is a number, a {low,best,high} object or a string. */
export function card(container, title, value, unit, note) {
  var c = el("div", null, { "class": "card" + (note ? " flagged" : "") });
  var shown = value, range = "";
  if (value !== null && typeof value === "object") {
    shown = num(value.best);
    if (isRange(value)) { range = " · 5th–95th percentile " + span(value.low, value.high); }
  } else if (typeof value === "number") {
    shown = num(value);
  }
  c.appendChild(el("div", title, { "class": "label" }));
  c.appendChild(el("div", has(shown) ? shown : "–", { "class": "value" }));
  c.appendChild(el("div", (unit || "") + range, { "class": "unit" }));
  if (note) { c.appendChild(el("div", note, { "class": "note" })); }
  container.appendChild(c);
}

/* The page's warnings (#warnings) in words, each with its code (data-code) and its sources' citations on hover. */
export function listWarnings(items, m) {
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

/* The footer with the method and data versions of result ``d``. */
export function versions(d) {
  if (d && d.method_version) {
    $("versions").textContent = "method " + d.method_version + " · data " + d.data_version +
      " · low/best/high are the 5th/50th/95th percentiles · works offline: every asset is bundled";
  }
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

/* The sources of a result's assumptions and warnings (their ``source`` texts), listed in #sources with their
   citations; the list and its heading (#sources-head) hidden when none is known. A source key is otherwise
   explained only by a tooltip, which a phone never shows. */
export function listCitedSources(d, m) {
  var cites = citesOf(m), keys = citedKeys((d.assumptions || []).concat(d.warnings || []), cites);
  listSources(keys, cites);
  $("sources").hidden = !keys.length;
  $("sources-head").hidden = !keys.length;
}

/* ``keys`` (a new list when not given) followed by every source key that the ``source`` texts of ``items``
   (objects: assumptions, warnings, published figures) name and ``cites`` explains, each once. */
export function citedKeys(items, cites, keys) {
  var out = keys || [];
  items.forEach(function (a) {
    if (!a || typeof a !== "object") { return; }
    knownKeys(a.source, cites).forEach(function (k) { if (out.indexOf(k) < 0) { out.push(k); } });
  });
  return out;
}

/* The page's sources list (#sources): "KEY: citation" for each of ``keys`` (web addresses as links). */
export function listSources(keys, cites) {
  var ul = $("sources");
  clear(ul);
  keys.forEach(function (k) {
    var li = el("li", null, { "data-key": k });
    citation(li, k + ": " + cites[k]);
    ul.appendChild(li);
  });
}
