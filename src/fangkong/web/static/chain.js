// The transmission chain as a directed graph (Apache ECharts): each infection a node, each "infected by" an
// arrow; the current one larger. The list beside it carries the same facts for readers without the picture.
(function () {
  "use strict";
  function draw(el) {
    fetch(el.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var chart = echarts.init(el);
        chart.setOption({
          tooltip: { formatter: function (p) { return p.data.name ? p.data.name + " · " + p.data.confirmed : ""; } },
          series: [{
            type: "graph",
            layout: "force",
            roam: true,
            force: { repulsion: 220, edgeLength: 90 },
            edgeSymbol: ["none", "arrow"],
            edgeSymbolSize: 9,
            label: { show: true, position: "right", formatter: "{b}" },
            data: data.nodes.map(function (n) {
              return { id: n.id, name: n.name, confirmed: n.confirmed, link: n.link,
                       symbolSize: n.this ? 28 : 16,
                       itemStyle: { color: n.this ? "#b3261e" : "#1f5fa8" } };
            }),
            links: data.edges,
            lineStyle: { color: "#555", width: 1.5 }
          }]
        });
        chart.on("click", function (p) { if (p.data && p.data.link) { window.location = p.data.link; } });
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("chain-graph");
    if (el && window.echarts) { draw(el); }
  });
})();
