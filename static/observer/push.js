// Web Push for the observer app: subscribe this phone with the server's VAPID key and send the subscription to the
// server, or unsubscribe. Shown only where the browser supports push (Android Chrome; iOS 16.4+ once the app is
// added to the home screen). The service worker shows what arrives.
(function () {
  "use strict";
  var box = document.getElementById("vigil-push");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { return; }
  var status = box.querySelector("[data-push-status]");
  var button = box.querySelector("[data-push-toggle]");

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var queue = document.getElementById("vigil-queue");
    return match ? decodeURIComponent(match[1]) : (queue ? queue.dataset.csrf : "");
  }
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() } });
  }
  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function render(subscription) {
    box.classList.remove("hidden");
    if (Notification.permission === "denied") { status.textContent = box.dataset.denied; button.hidden = true; return; }
    status.textContent = subscription ? box.dataset.on : box.dataset.off;
    button.textContent = subscription ? box.dataset.disable : box.dataset.enable;
    button.dataset.state = subscription ? "on" : "off";
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return fetch(box.dataset.key, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("push is not set up"); }
      return response.json();
    }).then(function (info) {
      if (!info.key) { return; }
      registration.pushManager.getSubscription().then(render);
      button.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (current) {
          if (current) {
            return post(box.dataset.unsubscribe, { endpoint: current.endpoint }).then(function () {
              return current.unsubscribe();
            }).then(function () { render(null); });
          }
          return Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") { render(null); return undefined; }
            return registration.pushManager.subscribe({ userVisibleOnly: true,
                                                        applicationServerKey: bytes(info.key) })
              .then(function (subscription) {
                return post(box.dataset.subscribe, subscription.toJSON()).then(function () { render(subscription); });
              });
          });
        }).catch(function () { render(null); });
      });
    });
  }).catch(function () {});
})();
