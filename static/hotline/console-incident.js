/* Incident page: action forms are boosted by htmx; a refused action (400/409) comes back as the page with the
   reason, so let htmx show it instead of ignoring the error status. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (status === 400 || status === 409) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    var refusal = document.getElementById("refusal");
    if (refusal) { refusal.setAttribute("tabindex", "-1"); refusal.focus(); }
  });
})();
