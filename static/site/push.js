// "Alerts in this browser": registers the service worker, subscribes to Web Push with the server's VAPID key and
// sends the subscription to the server. Hidden where the browser has no push support.
(function () {
  "use strict";
  var box = document.getElementById("push-box");
  if (!box) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  box.hidden = false;
  var status = box.querySelector("[data-status]");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  function key(b64) {
    var padded = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function send(body) {
    return fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); });
  }
  box.querySelector("[data-push-subscribe]").addEventListener("click", function () {
    status.textContent = box.dataset.working;
    navigator.serviceWorker.register("/sw.js")
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) });
      })
      .then(function (sub) { return send({ subscription: sub.toJSON(), language: box.dataset.language }); })
      .then(function () { status.textContent = box.dataset.done; })
      .catch(function () { status.textContent = box.dataset.failed; });
  });
  box.querySelector("[data-push-unsubscribe]").addEventListener("click", function () {
    navigator.serviceWorker.getRegistration("/sw.js")
      .then(function (reg) { return reg ? reg.pushManager.getSubscription() : null; })
      .then(function (sub) {
        if (!sub) return null;
        return send({ unsubscribe: sub.endpoint }).then(function () { return sub.unsubscribe(); });
      })
      .then(function () { status.textContent = box.dataset.stopped; })
      .catch(function () { status.textContent = box.dataset.failed; });
  });
})();
