// Vigil's service worker: shows rumour-control alerts pushed by the server (payload: title, body, url).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(data.title || "Vigil", {
    body: data.body || "",
    data: { url: data.url || "/rumours/" },
    icon: "/static/vigil/favicon.svg"
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/rumours/";
  event.waitUntil(self.clients.openWindow(url));
});
