// Offline queue for the observer's steps on scene. Without signal, a check-in, an observation, a verdict proposal or
// "left safe" is kept on the phone (IndexedDB) with the phone's time and an id made here, and shown as waiting;
// when signal returns the steps are sent in the order they were made, one at a time, to the sync endpoint, which
// applies each id once (a step sent twice is stored once). With signal, forms post as usual. Also registers the
// service worker that keeps the pages for offline use.
(function () {
  "use strict";
  var box = document.getElementById("vigil-queue");
  if (!box || !window.indexedDB) { return; }
  var DB = "vigil-observer", STORE = "queue";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.dataset.sw, { scope: box.dataset.scope }).catch(function () {});
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function all() { return tx("readonly", function (store) { return store.getAll(); }); }
  function add(item) { return tx("readwrite", function (store) { return store.add(item); }); }
  function remove(seq) { return tx("readwrite", function (store) { return store.delete(seq); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function kindLabel(kind) { return box.getAttribute("data-kind-" + kind) || kind; }

  var lastAnswers = [];
  function show() {
    return all().then(function (items) {
      var title = box.querySelector(".queue-title");
      var list = box.querySelector(".queue-items");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.queued = item.id;
        li.textContent = kindLabel(item.kind) + " · " + new Date(item.device_time).toLocaleTimeString();
        list.appendChild(li);
      });
      lastAnswers.forEach(function (answer) {
        var li = document.createElement("li");
        li.className = answer.applied ? "sent" : "refused";
        li.textContent = (answer.applied ? box.dataset.sent : box.dataset.refused) + " " + kindLabel(answer.kind) +
          " — " + answer.message;
        list.appendChild(li);
      });
      title.textContent = items.length ? box.dataset.waiting + " " + items.length : "";
      box.classList.toggle("hidden", !items.length && !lastAnswers.length);
      box.dataset.count = String(items.length);
      return items;
    });
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : box.dataset.csrf;
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var applied = 0;
    function next(items) {
      if (!items.length) { return Promise.resolve(); }
      var item = items[0];
      return fetch(box.dataset.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
        body: JSON.stringify({ id: item.id, kind: item.kind, dispatch: item.dispatch, device_time: item.device_time,
                               data: item.data })
      }).then(function (response) {
        if (response.status >= 500 || response.status === 403 || response.status === 429) {
          throw new Error("retry later");
        }
        return response.json().catch(function () { return { applied: false, message: String(response.status) }; });
      }).then(function (answer) {
        if (answer.applied) { applied += 1; }
        lastAnswers.push({ kind: item.kind, applied: !!answer.applied, message: answer.message || "" });
        return remove(item.seq);
      }).then(function () { return next(items.slice(1)); });
    }
    return all().then(next).catch(function () {}).then(function () {
      flushing = false;
      return show();
    }).then(function (left) {
      if (applied && !left.length && document.querySelector("form[data-queue]")) {
        // Show what the server now holds (the observations list, the next check-in due).
        window.location.reload();
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.queue || navigator.onLine) { return; }
    event.preventDefault();
    var data = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken" && typeof value === "string") { data[key] = value; }
    });
    add({ id: newId(), kind: form.dataset.queue, dispatch: form.dataset.dispatch, device_time: new Date().toISOString(),
          data: data }).then(function () {
      if (form.dataset.queue === "observation") { form.reset(); }
      return show();
    });
  }, true);

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () { show().then(flush); });
  if (document.readyState !== "loading") { show().then(flush); }
  setInterval(flush, 30000);
  window.vigilQueue = { flush: flush, show: show, all: all };
})();
