// The signals board's charts (Apache ECharts, vendored; measure 15): one request for /signals/data.json, whose
// titles, series and axis names come in the page's language, then one line chart per channel — the daily count, a
// day with no count left as a gap (never drawn as zero). Where a series carries an upper bound (the aberration
// methods in force, services/signals/detection.py) it is drawn as a dashed line, and the days that alarmed are
// marked. The table under each chart holds the same figures, so a chart stays hidden (the table serves) when
// scripts, the library or the request fail.
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function option(chart, data) {
    var s = chart.series;
    var series = [{
      name: s.name,
      type: "line",
      data: s.data,
      connectNulls: false,  // a gap is a day with no count, not a zero
      symbolSize: 4,
      lineStyle: { width: 2 }
    }];
    if (s.upperbound && s.upperbound.length) {
      series.push({
        name: data.upperbound_name,
        type: "line",
        data: s.upperbound,
        symbol: "none",
        lineStyle: { type: "dashed", width: 2 }
      });
    }
    if (s.alarm && s.alarm.length) {
      var marks = [];
      s.alarm.forEach(function (alarmed, i) {
        if (alarmed && s.data[i] !== null) {
          marks.push({ coord: [i, s.data[i]], value: data.alarm_name });
        }
      });
      series[0].markPoint = { symbol: "triangle", symbolSize: 14, label: { show: false }, data: marks };
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
    window.fkCharts.load("signals-charts", "signals-failed", option);
  });
})();
