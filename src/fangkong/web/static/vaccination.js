// The coverage board's charts (Apache ECharts, vendored; measure 12): one request for /vaccination/data.json, whose
// band names, series and axis names come in the page's language, then a bar chart of coverage by age band (any dose,
// full course, booster) and a line chart of the trend among people 60 and over. The tables under the charts hold the
// same figures, so a chart stays hidden (the tables serve) when scripts, the library or the request fail; decals
// keep the bars apart without colour.
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function base(data, categories, axisName) {
    return {
      animation: !still,
      aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { top: 40, left: 8, right: 24, bottom: 32, containLabel: true },
      xAxis: { type: "category", name: axisName, nameLocation: "middle", nameGap: 28, data: categories },
      yAxis: { type: "value", name: data.y_axis, min: 0, max: 100 }
    };
  }

  function bars(data) {
    var o = base(data, data.bands, data.x_axis);
    o.series = data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; });
    return o;
  }

  function trend(data) {
    var o = base(data, data.trend.days.map(function (d) { return d.slice(5); }), "");
    o.series = data.trend.series.map(function (s, i) {
      return { name: s.name, type: "line", data: s.data, lineStyle: { type: i ? "dashed" : "solid", width: 2 } };
    });
    return o;
  }

  function draw(data) {
    var drawn = [];
    [["chart-bands", bars], ["chart-trend", trend]].forEach(function (pair) {
      var el = document.getElementById(pair[0]);
      if (!el) { return; }
      el.hidden = false;  // shown before init: ECharts measures the box it draws in
      var c = echarts.init(el);
      c.setOption(pair[1](data));
      el.dataset.drawn = "yes";
      drawn.push(c);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("vaccination-charts");
    if (!holder || !window.echarts || !window.fetch) { return; }
    fetch(holder.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error(String(r.status))); })
      .then(draw)
      .catch(function () {
        var failed = document.getElementById("vaccination-failed");
        if (failed) { failed.hidden = false; }
      });
  });
})();
