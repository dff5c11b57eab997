/* kexie: small progressive enhancements (no inline handlers, CSP-friendly). */
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  }, true);
  document.addEventListener("click", function (ev) {
    var back = ev.target.closest("[data-back]");
    if (back && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });
  document.addEventListener("change", function (ev) {
    if (ev.target.matches("[data-template-link]")) {
      var link = document.getElementById(ev.target.getAttribute("data-template-link"));
      link.href = link.getAttribute("data-base") + "?kind=" + encodeURIComponent(ev.target.value);
    }
    if (ev.target.matches("[data-check-all]")) {
      document.querySelectorAll("input[name='" + ev.target.getAttribute("data-check-all") + "']")
        .forEach(function (box) { box.checked = ev.target.checked; });
    }
  });
  function wireDropzone(zone) {
    var input = document.getElementById(zone.getAttribute("data-input"));
    var label = zone.querySelector("[data-filename]");
    function show() { if (label && input.files.length) { label.textContent = input.files[0].name; } }
    zone.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("dragover"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("dragover"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dropzone]").forEach(wireDropzone);
  });
})();
