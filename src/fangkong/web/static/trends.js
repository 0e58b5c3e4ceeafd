// The trend charts (Apache ECharts, vendored): one request for /trends/data.json, whose titles, series and axis
// names come in the page's language, then one chart per section. Each section's table carries the same numbers,
// so a chart stays hidden (and the table serves) when scripts, the library or the request fail. Decal patterns
// tell the series apart without their colours.
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function option(chart, data) {
    return {
      animation: !still,
      aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
      title: { text: chart.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 26 },
      grid: { top: 64, left: 8, right: 24, bottom: 32, containLabel: true },  // room for the x axis's name
      xAxis: {
        type: "category",
        name: data.x_axis,
        nameLocation: "middle",
        nameGap: 28,
        data: data.days.map(function (d) { return d.slice(5); })
      },
      yAxis: { type: "value", name: chart.y_axis, minInterval: 1 },
      series: chart.series.map(function (s) {
        return {
          name: s.name,
          type: s.type,
          data: s.data,
          stack: chart.stacked ? "all" : undefined,
          step: s.type === "line" ? "middle" : undefined,
          symbol: "none"
        };
      })
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.fkCharts.load("trend-charts", "trend-failed", option);
  });
})();
