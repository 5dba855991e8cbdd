// Location by tapping a map or the phone's position, for the intake forms. Only coordinates go into the form's
// lat/lon fields; nothing is sent anywhere else. Without JavaScript the fields and the address box still work.
(function () {
  "use strict";

  function gridLayer() {
    // No tile server configured: a plain grid so the map can still be tapped and the marker seen.
    var Grid = L.GridLayer.extend({
      createTile: function () {
        var tile = document.createElement("div");
        tile.className = "intake-grid-tile";
        return tile;
      }
    });
    return new Grid();
  }

  function setUp(el) {
    var form = el.closest("form");
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    var box = el.closest(".js-only");
    var status = box.querySelector("[data-map-status]");
    box.classList.remove("hidden");
    form.querySelectorAll(".js-only").forEach(function (n) { n.classList.remove("hidden"); });

    var center = [parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon)];
    var map = L.map(el, { tap: true }).setView(center, 13);
    if (window.vigilBasemap && window.vigilBasemap(map, el)) {
      /* Vigil's own basemap */
    } else if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    } else {
      gridLayer().addTo(map);
    }
    var marker = null;

    function say(key) { if (status) { status.textContent = status.dataset[key] || ""; } }

    function put(a, b, zoom) {
      lat.value = a.toFixed(6);
      lon.value = b.toFixed(6);
      if (marker) { marker.setLatLng([a, b]); } else { marker = L.marker([a, b]).addTo(map); }
      if (zoom) { map.setView([a, b], Math.max(map.getZoom(), 16)); }
    }

    function fromFields() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) { put(a, b, true); }
    }

    fromFields();
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    map.on("click", function (e) { put(e.latlng.lat, e.latlng.lng, false); say("picked"); });

    var locate = box.querySelector("[data-locate]");
    if (locate) {
      if (!("geolocation" in navigator)) { locate.hidden = true; }
      locate.addEventListener("click", function () {
        say("locating");
        navigator.geolocation.getCurrentPosition(
          function (p) { put(p.coords.latitude, p.coords.longitude, true); say("located"); },
          function () { say("failed"); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
    var clear = box.querySelector("[data-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        lat.value = ""; lon.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        if (status) { status.textContent = ""; }
      });
    }
    // The map was hidden until now: let Leaflet measure its box again.
    setTimeout(function () { map.invalidateSize(); }, 0);
  }

  function start() {
    if (!window.L) { return; }
    document.querySelectorAll("[data-intake-map]").forEach(setUp);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

/* The public form's place finder: the words in the location field, looked up in Vigil's own gazetteer
   (/report/places, same origin); picking a suggestion fills the coordinates and moves the map's marker. */
(function () {
  "use strict";
  document.querySelectorAll("[data-place-finder]").forEach(function (box) {
    var form = box.closest("form");
    var words = form.querySelector("[name=location_text]");
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    var status = box.querySelector("[data-finder-status]");
    var list = box.querySelector("[data-finder-list]");
    var button = box.querySelector("[data-find-place]");
    box.classList.remove("hidden");
    button.addEventListener("click", function () {
      var q = (words.value || "").trim();
      list.textContent = "";
      if (!q) { return; }
      var lang = (form.querySelector("[name=language]") || {}).value || document.documentElement.lang || "en";
      fetch(box.dataset.placeFinder + "?" + new URLSearchParams({ q: q, language: lang }).toString(), {
        credentials: "omit", headers: { Accept: "application/json" }
      }).then(function (r) { return r.json(); }).then(function (body) {
        var matches = body.matches || [];
        status.textContent = matches.length ? status.dataset.pick : status.dataset.none;
        matches.forEach(function (m) {
          var item = document.createElement("li");
          var pick = document.createElement("button");
          pick.type = "button";
          pick.className = "link";
          pick.textContent = m.label;
          pick.addEventListener("click", function () {
            lat.value = Number(m.lat).toFixed(6);
            lon.value = Number(m.lon).toFixed(6);
            lat.dispatchEvent(new Event("change"));
            list.textContent = "";
            status.textContent = m.label;
          });
          item.appendChild(pick);
          list.appendChild(item);
        });
      }).catch(function () { status.textContent = status.dataset.none; });
    });
  });
})();
