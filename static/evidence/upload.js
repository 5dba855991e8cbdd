// Chunked, resumable evidence upload. No framework. Without JavaScript the form posts the files in one request.
// Protocol: POST start → {url, chunk_bytes, received}; then POST raw chunks to url with
// "Content-Range: bytes first-last/total", strictly in order. After a dropped connection, GET url tells how many
// bytes the server holds, and sending resumes from there. Open uploads are remembered (localStorage) so choosing
// the same file again after a reload resumes it too.
(function () {
  "use strict";
  var form = document.getElementById("uploader");
  if (!form || !window.XMLHttpRequest || !window.Blob || !Blob.prototype.slice) { return; }
  var strings = document.getElementById("upload-strings").dataset;
  var list = form.querySelector("[data-upload-list]");
  var template = document.getElementById("upload-row");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var startUrl = form.dataset.startUrl;
  var chunkBytes = parseInt(form.dataset.chunkBytes, 10) || 8388608;
  var STORE = "vigil-evidence-uploads";
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.classList.remove("hidden"); });

  function stamp() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-device-time]"), function (el) {
      el.value = new Date().toISOString();
    });
  }
  stamp();
  document.addEventListener("submit", stamp, true);

  function remembered() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { return {}; }
  }
  function remember(key, url) {
    var all = remembered();
    if (url) { all[key] = url; } else { delete all[key]; }
    try { localStorage.setItem(STORE, JSON.stringify(all)); } catch (e) { /* private mode: no resume after reload */ }
  }
  function fileKey(file) { return startUrl + "|" + file.name + "|" + file.size + "|" + file.lastModified; }

  function request(method, url, body, headers, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      Object.keys(headers || {}).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      if (onProgress && xhr.upload) { xhr.upload.onprogress = function (e) { onProgress(e.loaded); }; }
      xhr.onload = function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
        resolve({ status: xhr.status, data: data });
      };
      xhr.onerror = xhr.ontimeout = function () { resolve({ status: 0, data: {} }); };
      xhr.send(body);
    });
  }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  // Without signal, wait for it to return (the browser's "online" event) rather than probing on a timer; the upload
  // then resumes at once from the bytes the server holds.
  function signal() {
    if (navigator.onLine) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      window.addEventListener("online", function back() { window.removeEventListener("online", back); resolve(); });
    });
  }

  function Row(file) {
    var node = template.content.firstElementChild.cloneNode(true);
    node.querySelector("[data-name]").textContent = file.name;
    list.appendChild(node);
    this.node = node;
    this.bar = node.querySelector("[data-progress]");
    this.status = node.querySelector("[data-status]");
    this.retry = node.querySelector("[data-retry]");
  }
  Row.prototype.show = function (done, total, text) {
    this.bar.value = total ? Math.floor((done / total) * 100) : 0;
    this.status.textContent = text + " " + this.bar.value + "%";
  };

  async function begin(file) {
    var key = fileKey(file);
    var url = remembered()[key];
    if (url) {
      var known = await request("GET", url);
      if (known.status === 200 && known.data.state === "open") { return known.data; }
      remember(key, null);
    }
    var body = new FormData();
    body.append("name", file.name);
    body.append("size", String(file.size));
    body.append("device_time", new Date().toISOString());
    var started = await request("POST", startUrl, body);
    if (started.status !== 201) { throw new Error(started.data.detail || strings.failed); }
    remember(key, started.data.url);
    return started.data;
  }

  async function send(file, row) {
    if (!navigator.onLine) { row.status.textContent = strings.waiting; }
    await signal();
    var session = await begin(file);
    var key = fileKey(file);
    var url = session.url;
    var size = file.size;
    var offset = session.received;
    var step = Math.min(chunkBytes, session.chunk_bytes || chunkBytes);
    var delay = 1000;
    row.show(offset, size, strings.sending);
    while (offset < size) {
      var end = Math.min(offset + step, size);
      var base = offset;
      var answer = await request("POST", url, file.slice(offset, end), {
        "Content-Type": "application/octet-stream",
        "Content-Range": "bytes " + offset + "-" + (end - 1) + "/" + size
      }, function (loaded) { row.show(base + loaded, size, strings.sending); });
      if (answer.status === 200) {
        offset = answer.data.received;
        delay = 1000;
        if (answer.data.state === "complete") { break; }
        if (answer.data.state !== "open") { throw new Error(answer.data.detail || strings.failed); }
      } else if (answer.status === 409 && typeof answer.data.received === "number") {
        offset = answer.data.received; // the server holds a different amount: continue from there
      } else if (answer.status === 0 || answer.status >= 500 || answer.status === 429) {
        row.status.textContent = strings.waiting;
        if (navigator.onLine) {
          await wait(delay);
          delay = Math.min(delay * 2, 30000);
        } else {
          await signal();
          delay = 1000;
        }
        var probe = await request("GET", url);
        if (probe.status === 200) {
          if (probe.data.state !== "open" && probe.data.state !== "complete") {
            throw new Error(probe.data.detail || strings.failed);
          }
          offset = probe.data.received;
          if (probe.data.state === "complete") { answer = probe; break; }
        }
      } else {
        throw new Error(answer.data.detail || strings.failed);
      }
    }
    remember(key, null);
    var final = await request("GET", url);
    row.show(size, size, strings.sealed);
    row.node.classList.add("done");
    if (final.data.sha256) { row.status.textContent = strings.sealed + " · SHA-256 " + final.data.sha256.slice(0, 16) + "…"; }
  }

  async function run(file) {
    var row = new Row(file);
    try {
      await send(file, row);
    } catch (err) {
      row.node.classList.add("failed");
      row.status.textContent = strings.failed + ": " + err.message;
      row.retry.hidden = false;
      row.retry.onclick = function () { row.node.remove(); run(file); };
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    for (var i = 0; i < files.length; i++) { await run(files[i]); }
  });
})();
