// The observer app's service worker (served as /observer/sw.js, scope /observer/, after a line that sets self.VIGIL
// to {version, precache, offline}). Pages: network first, the last copy when offline (so an open dispatch, the code
// of conduct and the observer home work without signal). Static files: cache first. Nothing else is cached: the
// polled inbox and every POST go to the network. Push: shows the notification the server sent, with its actions.
(function () {
  "use strict";
  var CONFIG = self.VIGIL;
  var CACHE = "vigil-observer-" + CONFIG.version;

  function keep(cache, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.ok && !response.redirected) { return cache.put(url, response); }
      return undefined;
    }).catch(function () { return undefined; });
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(CONFIG.precache.map(function (url) { return keep(cache, url); }));
    }).then(function () { return self.skipWaiting(); }));
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("vigil-observer-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
  });

  function networkFirst(request) {
    return fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || caches.match(CONFIG.offline);
      });
    });
  }

  function cacheFirst(request) {
    return caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") { return; }
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) { return; }
    if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
    if (request.mode === "navigate" && url.pathname.indexOf(self.registration.scope.replace(self.location.origin, "")) === 0) {
      event.respondWith(networkFirst(request));
    }
  });

  self.addEventListener("push", function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: "Vigil", body: event.data.text() }; }
    var options = {
      body: data.body || "",
      tag: data.tag || undefined,
      data: { url: data.url || self.registration.scope, actions: data.action_urls || {} },
      actions: (data.actions || []).slice(0, 2),
      requireInteraction: data.kind === "dispatch_offer",
      icon: data.icon || undefined
    };
    event.waitUntil(self.registration.showNotification(data.title || "Vigil", options));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var info = event.notification.data || {};
    var target = info.url || self.registration.scope;
    if (event.action && info.actions && info.actions[event.action]) {
      // Accept/decline from the notification: the dispatch page opens with the step chosen, the observer confirms
      // the code of conduct there (accepting always needs that acknowledgement).
      target = info.actions[event.action];
    }
    event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(target);
    }));
  });
})();
