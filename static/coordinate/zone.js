// The zone page's map: draws the zone's H3 cells (and the group's other zones) from the JSON endpoint,
// and, when the coordinator ticks "tap the map", adds or removes the cell under a tap. No inline script (strict CSP).
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("zone-map");
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el, { zoomControl: true, attributionControl: true });
    var tileUrl = el.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    var bounds = el.dataset.bounds ? JSON.parse(el.dataset.bounds) : null;
    if (bounds) { map.fitBounds(bounds, { padding: [12, 12] }); }
    else { map.setView(JSON.parse(el.dataset.center), 12); }

    var layer = null;
    function styleFor(feature) {
      var current = feature.properties && feature.properties.current;
      return current
        ? { color: "#0b5cad", weight: 1.5, fillColor: "#0b5cad", fillOpacity: 0.3 }
        : { color: "#777777", weight: 1, fillColor: "#777777", fillOpacity: 0.15 };
    }
    function draw(fit) {
      return fetch(el.dataset.cellsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (layer) { map.removeLayer(layer); }
          layer = L.geoJSON(data, {
            style: styleFor,
            onEachFeature: function (feature, lyr) {
              lyr.bindTooltip(feature.properties.zone + " · " + feature.properties.cell);
            }
          }).addTo(map);
          if (fit && !bounds && layer.getLayers().length) { map.fitBounds(layer.getBounds()); }
        })
        .catch(function () { status(el.dataset.errorText); });
    }

    var form = document.getElementById("map-edit");
    var toggle = document.getElementById("map-edit-toggle");
    var statusEl = document.getElementById("map-status");
    function status(text) { if (statusEl) { statusEl.textContent = text || ""; } }
    if (form) { form.classList.remove("hidden"); }
    map.on("click", function (event) {
      if (!toggle || !toggle.checked) { return; }
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      var body = new URLSearchParams();
      body.set("lat", event.latlng.lat.toFixed(6));
      body.set("lon", L.Util.wrapNum(event.latlng.lng, [-180, 180], true).toFixed(6));
      fetch(el.dataset.toggleUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.detail) { status(data.detail); return; }
          status(data.cell + (data.in_zone ? " +" : " −") + " · " + data.cell_count);
          draw(false);
        })
        .catch(function () { status(el.dataset.errorText); });
    });
    draw(true);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
