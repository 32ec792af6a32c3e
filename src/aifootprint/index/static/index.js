/* Draws the index page's charts from the JSON in #index-data (bundled Chart.js via charts.js). */
(function () {
  "use strict";
  var node = document.getElementById("index-data");
  if (!node || !window.Chart || !window.AIF) { return; }
  var data = JSON.parse(node.textContent);
  var canvases = document.querySelectorAll("canvas[data-section]");
  Array.prototype.forEach.call(canvases, function (canvas) {
    var spec = data[canvas.getAttribute("data-section")];
    if (!spec) { return; }
    if (spec.type === "lines") {
      window.AIF.bandLines(canvas, spec.series, spec.series.length ? spec.series[0].unit : "", "year");
    } else {
      var u = spec.bars.length ? spec.bars[0].unit : "";
      var unit = spec.quantity ? spec.quantity + " [" + u + "]" : u;
      var byBoundary = spec.bars.some(function (b) { return b.kind === "published"; });
      var noRanges = spec.bars.every(function (b) { return b.low === null || b.high === null; });
      window.AIF.rangeBars(canvas, spec.bars, unit, { byBoundary: byBoundary, fromZero: noRanges });
    }
    canvas.setAttribute("data-drawn", "1");
  });
})();
