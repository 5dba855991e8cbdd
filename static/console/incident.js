/* Incident page. (1) Action forms are boosted by htmx; a refused action (400/409) comes back as the page with the
   reason, so let htmx show it instead of ignoring the error status, and move focus to the reason.
   (2) The live part polls every 3 s with the version it shows (kept on the element, so a page swapped in by an
   action brings its own); the server answers 204 when nothing changed. */
(function () {
  "use strict";
  /* htmx "settles" an element that keeps its id across a swap by setting its old attributes on the new one first;
     a style attribute set that way is an inline style the CSP refuses (the map's container has one, from Leaflet).
     Settle classes and sizes only. */
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (status === 400 || status === 409) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (!evt.detail.boosted) { return; }  /* not after the polls: never steal focus while someone types */
    var refusal = document.getElementById("refusal");
    if (refusal) { refusal.setAttribute("tabindex", "-1"); refusal.focus(); }
  });

  function isLive(evt) {
    var el = document.getElementById("incident-live");
    return el && evt.detail.elt === el ? el : null;
  }
  document.addEventListener("htmx:configRequest", function (evt) {
    var el = isLive(evt);
    if (el && el.dataset.version) { evt.detail.headers["X-Incident-Version"] = el.dataset.version; }
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var el = isLive(evt);
    if (!el || !evt.detail.xhr || !evt.detail.successful) { return; }
    el.dataset.version = evt.detail.xhr.getResponseHeader("X-Incident-Version") || el.dataset.version || "";
  });
})();

/* (3) The map of the incident: its reports as points, observers on shift nearby as their coarse cells only.
   Data comes from the json_script block rendered with the page (no inline script). */
(function () {
  "use strict";
  var el = document.getElementById("incident-map");
  var data = document.getElementById("incident-map-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var map_ = JSON.parse(data.textContent || "{}");
  if (!map_.incident) { return; }
  var map = L.map(el).setView([map_.incident.lat, map_.incident.lon], 15);
  if (!(window.vigilBasemap && window.vigilBasemap(map, el)) && el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var all = L.featureGroup().addTo(map);
  (map_.observers || []).forEach(function (o) {
    if (!o.cell) { return; }
    var shape = L.geoJSON(o.cell, { style: { color: o.suggested ? "#047857" : "#6b7280", weight: 2, fillOpacity: 0.12 } });
    var tip = document.createElement("span");
    tip.textContent = o.name + " · " + (el.dataset.observerLabel || "") + (o.km !== null ? " · " + o.km + " km" : "");
    shape.bindTooltip(tip);
    shape.addTo(all);
  });
  (map_.reports || []).forEach(function (r) {
    var marker = L.circleMarker([r.lat, r.lon], { radius: 6, color: "#b45309", fillColor: "#b45309", fillOpacity: 0.7 });
    var tip = document.createElement("span");
    tip.textContent = (el.dataset.reportLabel || "") + " " + r.receipt;
    marker.bindTooltip(tip);
    marker.addTo(all);
  });
  L.circleMarker([map_.incident.lat, map_.incident.lon], { radius: 9, color: "#111827", weight: 3, fill: false }).addTo(all);
  if (all.getLayers().length > 1) { map.fitBounds(all.getBounds().pad(0.2), { maxZoom: 16 }); }
})();
