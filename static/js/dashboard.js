// Draw each dashboard figure with ECharts from the JSON the page embeds.
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("figures-data").textContent);

  var chinese = (document.documentElement.lang || "").indexOf("zh") === 0;

  // Axis numbers short enough never to be clipped: 万 / 亿 in Chinese, k / M / B in English.
  function compact(v) {
    var a = Math.abs(v);
    if (chinese) {
      if (a >= 1e8) { return +(v / 1e8).toFixed(1) + "亿"; }
      if (a >= 1e4) { return +(v / 1e4).toFixed(1) + "万"; }
      return String(v);
    }
    if (a >= 1e9) { return +(v / 1e9).toFixed(1) + "B"; }
    if (a >= 1e6) { return +(v / 1e6).toFixed(1) + "M"; }
    if (a >= 1e3) { return +(v / 1e3).toFixed(1) + "k"; }
    return String(v);
  }

  function barOption(figure) {
    var names = figure.rows.map(function (row) { return String(row[0]); });
    var valueAxes = [{ type: "value", axisLabel: { formatter: compact, hideOverlap: true } }];
    if (figure.secondary !== null) {
      valueAxes.push({ type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } });
    }
    var series = figure.series.map(function (column) {
      var item = { name: figure.columns[column], type: "bar",
                   data: figure.rows.map(function (row) { return row[column]; }) };
      if (column === figure.secondary) {
        item.type = "line";
        item[figure.horizontal ? "xAxisIndex" : "yAxisIndex"] = 1;
      }
      return item;
    });
    var categories = { type: "category", data: names, inverse: figure.horizontal,
                       axisLabel: { interval: 0, rotate: !figure.horizontal && names.length > 6 ? 30 : 0,
                                    width: figure.horizontal ? 96 : 72, overflow: "truncate", hideOverlap: true } };
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },  // one line at any width: a wrapped legend covered the first bars
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: figure.horizontal ? valueAxes : categories,
      yAxis: figure.horizontal ? categories : valueAxes,
      series: series
    };
  }

  function pieOption(figure) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
      series: [{ type: "pie", radius: ["40%", "70%"], center: ["40%", "50%"], label: { show: false },
                 data: figure.rows.map(function (row) { return { name: String(row[0]), value: row[1] }; }) }]
    };
  }

  var charts = [];
  figures.forEach(function (figure) {
    var node = document.querySelector('[data-figure="' + figure.name + '"]');
    if (!node || !window.echarts) { return; }
    if (figure.horizontal && figure.rows.length > 10) {  // a bar per row: room for every label
      node.style.height = (figure.rows.length * 24 + 90) + "px";
    }
    var chart = window.echarts.init(node);
    chart.setOption(figure.chart === "pie" ? pieOption(figure) : barOption(figure));
    node.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
