// Draw each dashboard figure with ECharts from the JSON the page embeds.
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("figures-data").textContent);

  function barOption(figure) {
    var names = figure.rows.map(function (row) { return String(row[0]); });
    var series = figure.columns.slice(1).map(function (column, i) {
      return { name: column, type: "bar", data: figure.rows.map(function (row) { return row[i + 1]; }) };
    });
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series
    };
  }

  function pieOption(figure) {
    return {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"],
                 data: figure.rows.map(function (row) { return { name: String(row[0]), value: row[1] }; }) }]
    };
  }

  var charts = [];
  figures.forEach(function (figure) {
    var node = document.querySelector('[data-figure="' + figure.name + '"]');
    if (!node || !window.echarts) { return; }
    var chart = window.echarts.init(node);
    chart.setOption(figure.chart === "pie" ? pieOption(figure) : barOption(figure));
    node.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
