/* Incident page. (1) Action forms are boosted by htmx; a refused action (400/409) comes back as the page with the
   reason, so let htmx show it instead of ignoring the error status, and move focus to the reason.
   (2) The live part polls every 3 s with the version it shows (kept on the element, so a page swapped in by an
   action brings its own); the server answers 204 when nothing changed. */
(function () {
  "use strict";
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
