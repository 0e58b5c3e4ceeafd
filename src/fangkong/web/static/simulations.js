// A saved policy comparison's charts (Apache ECharts, vendored; issue 22): one request for the page's data.json,
// whose titles, policy names and axis names come in the page's language, then one line chart per figure — new
// infections, centralized-isolation room-nights, test tubes, people in high-risk areas, ward and ICU beds — with a
// line per policy (the mean over seeds by day). The table under each chart holds the same figures, so a chart
// stays hidden (the table serves) when scripts, the library or the request fail. Decal patterns and line styles
// tell the policies apart without their colours.
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var DASHES = ["solid", "dashed", "dotted", "solid", "dashed"];

  function option(chart, data) {
    return {
      animation: !still,
      aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { top: 48, left: 8, right: 24, bottom: 32, containLabel: true },
      xAxis: {
        type: "category",
        name: data.x_axis,
        nameLocation: "middle",
        nameGap: 28,
        data: data.days.map(function (d) { return d.slice(5); })
      },
      yAxis: { type: "value", name: chart.y_axis },
      series: chart.series.map(function (s, i) {
        return {
          name: s.name,
          type: "line",
          data: s.data,
          symbol: "none",
          lineStyle: { width: 2, type: DASHES[i % DASHES.length] }
        };
      })
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.fkCharts.load("simulation-charts", "simulation-failed", option);
  });
})();
