// While a public-safe video is being made, ask the page again every few seconds and show its state; when it is
// finished, reload (unless the coordinator is typing in a form) so the new copy appears. Without JavaScript the
// page shows the same state on reload.
(function () {
  "use strict";
  var list = document.querySelector("[data-copy-requests]");
  if (!list) { return; }
  var busy = function (root) { return root.querySelector(".copy-pending, .copy-running") !== null; };
  if (!busy(list)) { return; }
  var typing = false;
  document.addEventListener("input", function () { typing = true; });
  var timer = window.setInterval(function () {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-copy-requests]");
        if (!fresh) { return; }
        list.replaceChildren.apply(list, Array.prototype.slice.call(fresh.childNodes).map(function (node) {
          return document.importNode(node, true);
        }));
        if (!busy(fresh)) {
          window.clearInterval(timer);
          if (!typing) { window.location.reload(); }
        }
      })
      .catch(function () { /* a dropped connection: try again on the next tick */ });
  }, 5000);
})();
