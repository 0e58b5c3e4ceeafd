// The risk-area map (Leaflet, vendored, no tile server): communities as outlines, risk areas filled by level.
// The words come from the page (data-* attributes), so the map speaks the page's language; the legend and the
// list of areas beside the map carry the same facts in text.
(function () {
  "use strict";
  var colours = { high: "#b3261e", medium: "#a85400", low: "#1e6b3a", none: "#6b6b6b" };
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var words = el.dataset;
    var map = L.map("map", { attributionControl: false });
    fetch("/map/areas.geojson", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (f) {
            return f.properties.kind === "outline"
              ? { color: "#3d6a99", weight: 1, fillOpacity: 0.03 }
              : { color: colours[f.properties.risk] || "#6b6b6b", weight: 2, fillOpacity: f.properties.active ? 0.6 : 0.25 };
          },
          onEachFeature: function (f, l) {
            var p = f.properties;
            if (p.kind === "risk_area") {
              var level = words["level" + p.risk.charAt(0).toUpperCase() + p.risk.slice(1)] || p.risk;
              l.bindPopup("<b>" + esc(p.name) + "</b><br>" + esc(words.wordLevel) + ": " + esc(level) + "<br>"
                + esc(words.wordDelineated) + ": " + esc(p.delineated_on) + "<br>"
                + esc(words.wordNext) + ": " + esc(p.next_change_on || "—") + "<br>"
                + '<a href="/risk-areas/' + encodeURIComponent(p.id) + '">' + esc(words.wordHistory) + "</a>");
              l.on("add", function () { if (l.getElement) { l.getElement().setAttribute("data-risk-area", p.code); } });
            } else {
              l.bindTooltip(esc(p.name));
            }
          }
        }).addTo(map);
        if (data.features.length) { map.fitBounds(layer.getBounds()); }
        el.dataset.features = data.features.filter(function (f) { return f.properties.kind === "risk_area"; }).length;
      });
  });
})();
