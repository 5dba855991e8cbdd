// The public map: draws the resolution-7 cells of /map/cells.json with their counts. No tile layer (and so no
// third-party request) unless the operator configured a tile server.
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el).setView([parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon)], 11);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 15, attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  fetch(el.dataset.cellsUrl, { credentials: "omit" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () { return { color: "#8a1c1c", weight: 1, fillOpacity: 0.35 }; },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(String(feature.properties.confirmed) + " " + el.dataset.label, { permanent: true });
        }
      }).addTo(map);
      if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 12 });
      el.setAttribute("data-cells", String(data.features.length));
    });
})();
