// The capacity board's charts (Apache ECharts, vendored; measure 11): one request for /capacity/data.json, whose
// titles, series and axis names come in the page's language, then one line chart per level of care — beds
// projected in use against staffed beds — with the run-out day marked by a vertical line and its label. The day is
// also said in words beside each chart and the table under it holds the same figures, so colour is never the only
// carrier of meaning and a chart stays hidden (the table serves) when scripts, the library or the request fail.
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function option(chart, data) {
    var series = chart.series.map(function (s, i) {
      return {
        name: s.name,
        type: "line",
        data: s.data,
        symbol: "none",
        step: i === 1 ? "end" : undefined,  // staffed beds change by the day, not between days
        lineStyle: { type: i === 1 ? "dashed" : "solid", width: 2 }
      };
    });
    if (chart.run_out) {
      series[0].markLine = {
        symbol: "none",
        silent: true,
        lineStyle: { type: "dotted", width: 2 },
        label: { formatter: chart.run_out_label, position: "insideEndTop" },
        data: [{ xAxis: chart.run_out.slice(5) }]
      };
    }
    return {
      animation: !still,
      aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { top: 40, left: 8, right: 24, bottom: 32, containLabel: true },
      xAxis: {
        type: "category",
        name: data.x_axis,
        nameLocation: "middle",
        nameGap: 28,
        data: data.days.map(function (d) { return d.slice(5); })
      },
      yAxis: { type: "value", name: data.y_axis, minInterval: 1 },
      series: series
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.fkCharts.load("capacity-charts", "capacity-failed", option, function (el, chart) {
      el.dataset.runOut = chart.run_out || "";
    });
  });
})();
