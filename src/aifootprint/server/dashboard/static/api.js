/* Data: the REST API (/api/v1) and the page metadata (/dashboard/meta.json), read from this origin only. */

export var API = "/api/v1";

/* GET ``path`` of the API (POST ``body`` as JSON when given) -> the parsed JSON; a failed request rejects with
   "HTTP <status>: <the API's message>". */
export function api(path, body) {
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

/* Page metadata (/dashboard/meta.json): form choices, zone names, scenario titles, source citations. Fetched once
   per page. */
var metaPromise = null;
export function meta() {
  if (!metaPromise) {
    metaPromise = fetch("/dashboard/meta.json").then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status + " for /dashboard/meta.json"); }
      return r.json();
    });
  }
  return metaPromise;
}

/* The page metadata, or {} when it cannot be had (a page still works, with codes instead of names). */
export function metaOrEmpty() { return meta().catch(function () { return {}; }); }
