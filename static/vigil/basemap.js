/* The basemap Vigil serves itself (/basemap/city.pmtiles), drawn with the vendored protomaps-leaflet, which is
   loaded only on pages whose map asks for it (data-basemap-url, data-basemap-lib on the map element).
   Returns false when there is no basemap, so the page falls back to its tile server or grid. */
(function () {
  "use strict";
  window.vigilBasemap = function (map, el) {
    var url = el.dataset.basemapUrl;
    var lib = el.dataset.basemapLib;
    if (!url || !lib) { return false; }
    function add() {
      if (!window.protomapsL) { return; }
      window.protomapsL.leafletLayer({ url: url, flavor: "light", lang: document.documentElement.lang || "en" }).addTo(map);
      el.dataset.basemap = "on";
    }
    if (window.protomapsL) { add(); return true; }
    var script = document.createElement("script");
    script.src = lib;
    script.addEventListener("load", add);
    document.head.appendChild(script);
    return true;
  };
})();
