/* Literacy share by county with 95% confidence intervals (ECharts bar + error bars). */
(function () {
  "use strict";
  var holder = document.getElementById("literacy-chart");
  var source = document.getElementById("literacy-chart-data");
  if (!holder || !source || !window.echarts) { return; }
  var rows = JSON.parse(source.textContent);
  var pct = function (v) { return v === null ? null : Math.round(v * 1000) / 10; };
  var chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var r = rows[items[0].dataIndex];
        return r.name + "<br>" + pct(r.share) + "%(95% CI " + pct(r.low) + "–" + pct(r.high) + "%)";
      }
    },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
    yAxis: { type: "value", name: "%", min: 0 },
    series: [
      { type: "bar", name: "具备科学素质比例", data: rows.map(function (r) { return pct(r.share); }) },
      {
        type: "custom", name: "95% 置信区间",
        data: rows.map(function (r, i) { return [i, pct(r.low), pct(r.high)]; }),
        renderItem: function (params, api) {
          var low = api.coord([api.value(0), api.value(1)]);
          var high = api.coord([api.value(0), api.value(2)]);
          var w = api.size([1, 0])[0] * 0.15;
          var style = { stroke: "#333", lineWidth: 1.5 };
          return { type: "group", children: [
            { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
            { type: "line", shape: { x1: low[0] - w, y1: low[1], x2: low[0] + w, y2: low[1] }, style: style },
            { type: "line", shape: { x1: high[0] - w, y1: high[1], x2: high[0] + w, y2: high[1] }, style: style }
          ] };
        },
        z: 10
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
