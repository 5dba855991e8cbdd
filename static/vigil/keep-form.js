// Switching language never loses what someone typed: just before the page is left for the same page in another
// language (the switcher carries data-keep-form), the values of its forms go to sessionStorage; the page in the
// new language puts them back and forgets them at once. Nothing leaves the browser tab; passwords, files and
// CSRF tokens are never kept.
(function () {
  "use strict";
  var KEY = "vigil-keep-form";
  var SKIP = /^(csrfmiddlewaretoken|next|password\d*)$/;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP.test(el.name) && ["file", "password", "submit", "button", "reset"].indexOf(el.type) < 0;
    });
  }

  function forms() {
    return Array.prototype.filter.call(document.forms, function (form) { return !form.hasAttribute("data-keep-form"); });
  }

  function save() {
    var kept = [];
    forms().forEach(function (form, index) {
      var values = {};
      var any = false;
      fields(form).forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) { (values[el.name] = values[el.name] || []).push(el.value); any = true; }
        } else if (el.value) {
          values[el.name] = [el.value];
          any = any || el.type !== "hidden";
        }
      });
      if (any) kept.push({ index: index, id: form.id || "", values: values });
    });
    if (kept.length) {
      try { sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname, forms: kept })); } catch (e) { /* full or off */ }
    }
  }

  function restore() {
    var raw;
    try { raw = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
    if (!raw) return;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    if (!data || data.path !== location.pathname || !data.forms) return;
    var all = forms();
    data.forms.forEach(function (saved) {
      var form = (saved.id && document.getElementById(saved.id)) || all[saved.index];
      if (!form) return;
      fields(form).forEach(function (el) {
        var v = saved.values[el.name];
        if (!v) return;
        if (el.type === "checkbox" || el.type === "radio") el.checked = v.indexOf(el.value) >= 0;
        else el.value = v[0];
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  document.addEventListener("submit", function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-keep-form")) save();
  }, true);
  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest ? e.target.closest("a[data-keep-form]") : null;
    if (link) save();
  }, true);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
