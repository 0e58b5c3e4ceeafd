// The console's few behaviours, here rather than inline: the Content-Security-Policy runs no inline script
// (api/security_headers.py).

// The pages' charts (Apache ECharts, vendored): one request for the page's data (the holder's data-src), then one
// chart per entry of its `charts`, drawn by the page's own `option(chart, data)`; `after(el, chart)` notes what a
// page's tests read. A chart stays hidden, and the message under `failedId` is shown (the tables under each chart
// hold the same figures), when the library or the request fails. Called on DOMContentLoaded, after every deferred
// script has run.
window.fkCharts = {
  load: function (holderId, failedId, option, after) {
    var holder = document.getElementById(holderId);
    if (!holder || !window.echarts || !window.fetch) { return; }
    fetch(holder.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error(String(r.status))); })
      .then(function (data) {
        var drawn = [];
        data.charts.forEach(function (chart) {
          var el = document.getElementById("chart-" + chart.id);
          if (!el || (Array.isArray(chart.series) && !chart.series.length)) { return; }
          el.hidden = false;  // shown before init: ECharts measures the box it draws in
          var c = window.echarts.init(el);
          c.setOption(option(chart, data));
          el.dataset.drawn = "yes";
          if (after) { after(el, chart); }
          drawn.push(c);
        });
        window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
      })
      .catch(function () {
        var failed = document.getElementById(failedId);
        if (failed) { failed.hidden = false; }
      });
  }
};
document.addEventListener("DOMContentLoaded", function () {
  // the menu button on a phone opens and closes the navigation
  var toggle = document.getElementById("menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = document.getElementById("top").classList.toggle("open");
      toggle.setAttribute("aria-expanded", open);
    });
  }
  // the command centre: picking a version fills in the day it takes effect (the only day the service accepts)
  var version = document.getElementById("version");
  var effective = document.getElementById("effective_on");
  if (version && effective) {
    version.addEventListener("change", function () {
      effective.value = version.selectedOptions[0].dataset.effective;
    });
  }
  // a form that changes much asks first (data-question: the question, in the page's language)
  document.querySelectorAll("form[data-question]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.question)) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // the dashboard's bars: their length set through the CSSOM, which the policy allows (a style attribute it does not)
  document.querySelectorAll("[data-share]").forEach(function (bar) {
    bar.style.width = bar.dataset.share + "%";
  });
});
