// Every console page: the copy buttons of ui/copy.html (Clipboard API, with a fallback for
// pages served over plain HTTP, where the browser has no navigator.clipboard).
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function showButtons(root) {
    (root || document).querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var status = button.querySelector(".copy-done");
    copy(button.getAttribute("data-copy")).then(function () {
      if (status) { status.textContent = "Copied"; }
      button.classList.add("copied");
    }, function () {
      if (status) { status.textContent = "Copy failed"; }
    }).then(function () {
      window.setTimeout(function () {
        if (status) { status.textContent = ""; }
        button.classList.remove("copied");
      }, 2000);
    });
  });

  document.addEventListener("DOMContentLoaded", function () { showButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { showButtons(event.target); });
})();
