// Drag a box on the public-safe copy to fill the blur-box form (coordinates in the picture's own pixels).
(function () {
  "use strict";
  var preview = document.querySelector("[data-box-preview]");
  var form = document.querySelector("[data-box-form]");
  if (!preview || !form) { return; }
  var img = preview.querySelector("img");
  var draft = document.createElement("div");
  draft.className = "draft";
  draft.hidden = true;
  preview.appendChild(draft);
  var start = null;

  function point(event) {
    var rect = img.getBoundingClientRect();
    return { x: Math.max(0, Math.min(rect.width, event.clientX - rect.left)),
             y: Math.max(0, Math.min(rect.height, event.clientY - rect.top)) };
  }
  function scale() { return img.naturalWidth / img.getBoundingClientRect().width; }
  function show(a, b) {
    draft.hidden = false;
    draft.style.left = Math.min(a.x, b.x) + "px";
    draft.style.top = Math.min(a.y, b.y) + "px";
    draft.style.width = Math.abs(a.x - b.x) + "px";
    draft.style.height = Math.abs(a.y - b.y) + "px";
  }
  preview.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    start = point(e);
    preview.setPointerCapture(e.pointerId);
  });
  preview.addEventListener("pointermove", function (e) { if (start) { show(start, point(e)); } });
  preview.addEventListener("pointerup", function (e) {
    if (!start) { return; }
    var end = point(e);
    var s = scale();
    var values = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y),
                   width: Math.abs(start.x - end.x), height: Math.abs(start.y - end.y) };
    start = null;
    if (values.width < 3 || values.height < 3) { draft.hidden = true; return; }
    Object.keys(values).forEach(function (k) {
      form.querySelector("input[name=" + k + "]").value = String(Math.max(k === "x" || k === "y" ? 0 : 1, Math.round(values[k] * s)));
    });
  });
})();
