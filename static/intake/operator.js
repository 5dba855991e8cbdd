// Operator console: switch the script language in place (the form keeps what was typed), and keep the caller's
// language field in step with it. Without JavaScript the links reload the page with ?language=.
(function () {
  "use strict";

  function show(code) {
    document.querySelectorAll("[data-script-lang]").forEach(function (p) {
      p.hidden = p.dataset.scriptLang !== code;
    });
    document.querySelectorAll("[data-script-switch]").forEach(function (a) {
      a.classList.toggle("current", a.dataset.scriptSwitch === code);
    });
  }

  function start() {
    var select = document.querySelector("select[name=language]");
    document.querySelectorAll("[data-script-switch]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        show(a.dataset.scriptSwitch);
        if (select) { select.value = a.dataset.scriptSwitch; }
      });
    });
    if (select) { select.addEventListener("change", function () { show(select.value); }); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
