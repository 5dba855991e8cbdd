// Observer phone view: share a rough location, count down to the next check-in, stamp the phone's clock on
// observations, and buzz when a new dispatch arrives in the polled inbox. Everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The browser rounds the position to 3 decimals (~100 m) before sending it; the server keeps only the H3 cell
  // (~1 km across) it falls in, so a precise position never leaves the phone.
  function round3(x) { return Math.round(x * 1000) / 1000; }

  function setupLocate(root) {
    root.querySelectorAll("[data-locate]").forEach(function (button) {
      if (button.dataset.ready) { return; }
      button.dataset.ready = "1";
      var form = button.closest("form");
      var status = form.querySelector("[data-locate-status]");
      button.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = button.dataset.unavailable; return; }
        status.textContent = button.dataset.waiting;
        navigator.geolocation.getCurrentPosition(function (pos) {
          form.querySelector("input[name=lat]").value = round3(pos.coords.latitude);
          form.querySelector("input[name=lon]").value = round3(pos.coords.longitude);
          status.textContent = button.dataset.done;
          var zone = form.querySelector("select[name=zone]");
          if (zone) { zone.value = ""; }
        }, function () {
          status.textContent = button.dataset.failed;
        }, { enableHighAccuracy: false, maximumAge: 300000, timeout: 15000 });
      });
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      if (isNaN(due)) { return; }
      if (!el.dataset.label) { el.dataset.label = el.textContent; }
      var left = Math.round((due - now) / 1000);
      var abs = Math.abs(left);
      var clock = Math.floor(abs / 60) + ":" + pad(abs % 60);
      el.textContent = el.dataset.label + " (" + (left >= 0 ? clock : "−" + clock) + ")";
      el.classList.toggle("overdue", left < 0);
    });
  }

  document.addEventListener("submit", function (event) {
    var field = event.target.querySelector("input[name=device_time]");
    if (field) { field.value = new Date().toISOString(); }
  });

  var known = null;
  function incomingIds() {
    return Array.prototype.map.call(document.querySelectorAll("[data-incoming]"), function (el) {
      return el.dataset.incoming;
    });
  }
  function checkIncoming() {
    var ids = incomingIds();
    if (known !== null && ids.some(function (id) { return known.indexOf(id) < 0; })) {
      if (navigator.vibrate) { navigator.vibrate([300, 150, 300]); }
    }
    known = ids;
  }

  // Opened from a push notification's accept/decline action (?step=accept|decline): bring that answer to hand.
  // Accepting still needs the code-of-conduct box ticked here, so the action never answers on its own.
  function focusStep() {
    var step = new URLSearchParams(window.location.search).get("step");
    var target = null;
    if (step === "accept") { target = document.querySelector("form[action$='/accept'] input[type=checkbox]"); }
    if (step === "decline") { target = document.querySelector("form[action$='/decline'] button"); }
    if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusStep();
    setupLocate(document);
    checkIncoming();
    tick();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", function () { checkIncoming(); tick(); });
})();
