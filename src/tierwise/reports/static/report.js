/* Draws the report's charts from the JSON options embedded in the page, and makes tables sortable. */
(function () {
  "use strict";
  var lang = document.documentElement.getAttribute("lang") || "en";
  var nf = function (d) { return new Intl.NumberFormat(lang, { maximumFractionDigits: d, minimumFractionDigits: d }); };
  var pf = function (d) { return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: d, minimumFractionDigits: d }); };
  var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  var names = {};
  var formatters = {
    "fmt:number": function (v) { return typeof v === "number" ? nf(0).format(v) : v; },
    "fmt:number1": function (v) { return typeof v === "number" ? nf(1).format(v) : v; },
    "fmt:percent": function (v) { return typeof v === "number" ? pf(1).format(v) : v; },
    "fmt:percent0": function (v) { return typeof v === "number" ? pf(0).format(v) : v; },
    "fmt:compact": function (v) { return typeof v === "number" ? compact.format(v) : v; },
    "fmt:heatcount": function (p) { return nf(0).format(p.value[2]); },
    "fmt:rfm": function (p) {
      var v = p.value;
      return names.recency + " " + (v[1] + 1) + " · " + names.frequency + " " + (v[0] + 1) + "<br>" +
        names.customers + ": <b>" + nf(0).format(v[2]) + "</b><br>" +
        names.monetary + ": <b>" + nf(0).format(v[3]) + "</b>";
    }
  };
  function hydrate(node) {
    if (Array.isArray(node)) { node.forEach(hydrate); return; }
    if (!node || typeof node !== "object") { return; }
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if ((key === "formatter" || key === "valueFormatter") && typeof value === "string" && formatters[value]) {
        node[key] = formatters[value];
      } else { hydrate(value); }
    });
  }
  var charts = [];
  document.querySelectorAll("script[data-chart-for]").forEach(function (script) {
    var el = document.getElementById(script.getAttribute("data-chart-for"));
    if (!el || typeof echarts === "undefined") { return; }
    var option = JSON.parse(script.textContent);
    if (option.rfmNames) { names = option.rfmNames; delete option.rfmNames; }
    hydrate(option);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  var resize = function () { charts.forEach(function (c) { c.resize(); }); };
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);

  /* sortable tables: click a header; cells sort by data-value (numbers) or by text */
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, index) {
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[index];
          var raw = cell.getAttribute("data-value");
          if (raw !== null && raw !== "" && !isNaN(Number(raw))) { return Number(raw); }
          return (raw !== null ? raw : cell.textContent).trim();
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), lang);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
