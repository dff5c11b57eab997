/* Charts of the reports pages (ECharts, vendored). Clicking a bar or point opens its records. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function chart(el, option, urls) {
    if (!el || typeof echarts === "undefined") return;
    var c = echarts.init(el);
    c.setOption(option);
    c.on("click", function (p) {
      var url = urls ? urls[p.dataIndex] : p.data && p.data.url;
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
  function grouped(value) {  // digits grouped by thousands, as on the rest of the page
    return Number(value).toLocaleString("en-US");
  }
  function series(kind, d, name) {
    return {
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: d.labels.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: grouped } },
      series: [{ type: kind, name: name, data: d.values, label: { show: true, position: "top", formatter: function (p) { return grouped(p.value); } } }]
    };
  }
  var dash = data("kx-charts");
  if (dash) {
    chart(document.getElementById("chart-month"), series("line", dash.month, "活动场次"), dash.month.urls);
    var county = series("bar", dash.county, "本年");
    county.legend = { data: ["本年", "上年"], top: 0, right: 16 };
    county.grid = { left: 48, right: 16, top: 32, bottom: 56 };
    county.series.push({ type: "bar", name: "上年", data: dash.county.previous });
    chart(document.getElementById("chart-county"), county, dash.county.urls);
    chart(document.getElementById("chart-kind"), {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: dash.kind, label: { fontSize: 11 } }]
    });
  }
  var review = data("kx-review-charts");
  if (review) {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = review[el.dataset.chart];
      if (d) chart(el, series(el.dataset.chart.indexOf("month") >= 0 ? "line" : "bar", d, ""), d.urls);
    });
  }
})();
