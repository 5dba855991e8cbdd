/* Dispatcher console: the rows' version token; the map, which polls the queue's JSON every 2 s
   and keeps one marker per incident.
   Settings come from data-attributes on #console-map (no inline script). Text goes in with textContent only. */
(function () {
  "use strict";
  /* The rows poll (htmx, every 2 s) sends the version it shows; the server answers 204 when nothing changed. */
  var rows = document.getElementById("queue-rows");
  if (rows) {
    document.addEventListener("htmx:configRequest", function (evt) {
      if (evt.detail.elt === rows && rows.dataset.version) {
        evt.detail.headers["X-Queue-Version"] = rows.dataset.version;
      }
    });
    document.addEventListener("htmx:afterRequest", function (evt) {
      var xhr = evt.detail.xhr;
      if (evt.detail.elt === rows && xhr && evt.detail.successful) {
        rows.dataset.version = xhr.getResponseHeader("X-Queue-Version") || rows.dataset.version || "";
      }
    });
  }
})();

(function () {
  "use strict";
  var el = document.getElementById("console-map");
  if (!el || typeof L === "undefined") { return; }
  var POLL_MS = 2000;
  var COLORS = { "new": "#b45309", "verifying": "#1d4ed8", "verdict": "#4b5563", "closed": "#9ca3af" };
  var center = [parseFloat(el.dataset.centerLat) || 0, parseFloat(el.dataset.centerLon) || 0];
  var map = L.map(el, { zoomControl: true, attributionControl: true }).setView(center, 12);
  if (!(window.vigilBasemap && window.vigilBasemap(map, el)) && el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var zonesLayer = L.featureGroup().addTo(map);
  var markersLayer = L.featureGroup().addTo(map);
  var markers = {};
  var fitted = false;
  var urlTemplate = null;

  function query(withZones) {
    var form = document.getElementById(el.dataset.filters || "");
    var params = new URLSearchParams();
    if (form) {
      new FormData(form).forEach(function (value, key) { params.append(key, String(value)); });
    }
    if (withZones) { params.set("zones", "1"); }
    return el.dataset.pointsUrl + "?" + params.toString();
  }

  function incidentUrl(id) {
    return (urlTemplate || "/console/incident/0/").replace(/\/0\/$/, "/" + id + "/");
  }

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawZones(zones) {
    zonesLayer.clearLayers();
    zones.forEach(function (zone) {
      var shape = L.geoJSON({ type: "Feature", properties: {}, geometry: zone.geometry }, {
        style: { color: "#0b5cad", weight: 2, opacity: 0.7, fillOpacity: 0.06 }, interactive: false
      });
      shape.addTo(zonesLayer);
    });
  }

  function drawIncidents(incidents) {
    var seen = {};
    incidents.forEach(function (item) {
      var id = String(item.id);
      seen[id] = true;
      var color = COLORS[item.state] || "#111827";
      var radius = Math.min(6 + 2 * Math.sqrt(item.reports || 1), 22);
      var marker = markers[id];
      if (!marker) {
        marker = L.circleMarker([item.lat, item.lon], { radius: radius, color: color, fillColor: color, fillOpacity: 0.55, weight: 2 });
        marker.on("click", function () { window.location.assign(incidentUrl(id)); });
        marker.addTo(markersLayer);
        markers[id] = marker;
      } else {
        marker.setLatLng([item.lat, item.lon]);
        marker.setStyle({ color: color, fillColor: color });
        marker.setRadius(radius);
        marker.unbindTooltip();
      }
      marker.bindTooltip(label(item.label));
    });
    Object.keys(markers).forEach(function (id) {
      if (!seen[id]) { markersLayer.removeLayer(markers[id]); delete markers[id]; }
    });
  }

  function fitOnce() {
    if (fitted) { return; }
    var bounds = L.latLngBounds([]);
    [markersLayer, zonesLayer].forEach(function (layer) {
      var b = layer.getBounds();
      if (b.isValid()) { bounds.extend(b); }
    });
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1), { maxZoom: 15 }); fitted = true; }
  }

  function poll(first) {
    if (document.hidden && !first) { window.setTimeout(poll, POLL_MS); return; }
    fetch(query(first), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        urlTemplate = data.url || urlTemplate;
        if (data.zones) { drawZones(data.zones); }
        drawIncidents(data.incidents || []);
        fitOnce();
        el.dataset.updated = String(Date.now());
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  poll(true);
})();

/* What is new: rows that appeared or changed since the page last looked are highlighted for a minute; while the tab
   is hidden or unfocused, the title counts the incidents that appeared; an optional beep announces them. */
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  if (!rows) { return; }
  var HIGHLIGHT_MS = 60000;
  var known = null;
  var marks = {};
  var unseen = {};
  var info = document.getElementById("queue-unseen");
  var sound = document.getElementById("queue-sound");
  var baseTitle = document.title;
  var audio = null;

  if (sound) {
    try { sound.checked = window.localStorage.getItem(sound.dataset.storageKey) === "1"; } catch (e) { /* private mode */ }
    sound.addEventListener("change", function () {
      try { window.localStorage.setItem(sound.dataset.storageKey, sound.checked ? "1" : "0"); } catch (e) { /* ignore */ }
    });
  }

  function beep() {
    if (!sound || !sound.checked) { return; }
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    audio = audio || new Ctx();
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.08;
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  }

  function looking() { return !document.hidden && document.hasFocus(); }

  function showUnseen() {
    var count = Object.keys(unseen).length;
    document.title = count ? "(" + count + ") " + baseTitle : baseTitle;
    if (info) {
      info.textContent = count === 0 ? "" : count === 1 ? info.dataset.unseenOne
        : (info.dataset.unseenMany || "").replace("{count}", String(count));
    }
    document.body.dataset.unseen = String(count);
  }

  function scan() {
    var now = Date.now();
    var seen = {};
    var fresh = 0;
    /* Incidents grouped under a flood warning are neither announced nor counted: the flood is what hid real raids. */
    rows.querySelectorAll("tr[data-incident]:not([data-grouped])").forEach(function (tr) {
      var id = tr.dataset.incident;
      var sig = tr.dataset.signature || "";
      seen[id] = sig;
      if (known !== null) {
        if (!(id in known)) {
          marks[id] = { kind: "row-new", until: now + HIGHLIGHT_MS };
          fresh += 1;
          if (!looking()) { unseen[id] = true; }
        } else if (known[id] !== sig) {
          marks[id] = { kind: "row-changed", until: now + HIGHLIGHT_MS };
        }
      }
      var mark = marks[id];
      if (mark && mark.until > now) { tr.classList.add(mark.kind); } else { delete marks[id]; }
    });
    known = seen;
    if (fresh) { beep(); }
    showUnseen();
  }

  function caughtUp() { if (looking()) { unseen = {}; showUnseen(); } }
  document.addEventListener("visibilitychange", caughtUp);
  window.addEventListener("focus", caughtUp);
  document.addEventListener("htmx:afterSwap", function (evt) { if (evt.detail.target === rows) { scan(); } });
  scan();
})();
