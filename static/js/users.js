// Users pages: enable bulk buttons only while rows are selected, "select all" on a page,
// and the type-to-confirm Delete button. Everything also works without this file: the
// server checks the selection and the confirmation text itself.
(function () {
  "use strict";

  function updateSelection() {
    document.querySelectorAll("[data-selection-scope]").forEach(function (scope) {
      var rows = scope.querySelectorAll("input[data-select-row]");
      var checked = scope.querySelectorAll("input[data-select-row]:checked").length;
      var form = scope.querySelector("form");
      var buttons = form && form.id
        ? document.querySelectorAll('[data-requires-selection][form="' + form.id + '"]')
        : [];
      buttons.forEach(function (button) { button.disabled = checked === 0; });
      var all = scope.querySelector("input[data-select-all]");
      if (all) {
        all.checked = rows.length > 0 && checked === rows.length;
        all.indeterminate = checked > 0 && checked < rows.length;
      }
    });
  }

  function updateConfirm() {
    document.querySelectorAll("[data-confirm-scope]").forEach(function (scope) {
      var input = scope.querySelector("input[data-confirm-input]");
      var button = scope.querySelector("[data-confirm-button]");
      if (input && button) {
        button.disabled = input.value.trim() !== input.getAttribute("data-confirm-input");
      }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-select-all]")) {
      var scope = target.closest("[data-selection-scope]");
      scope.querySelectorAll("input[data-select-row]").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    updateSelection();
  });
  document.addEventListener("input", updateConfirm);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var host = document.getElementById("modal");
      if (host) { host.innerHTML = ""; }
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    updateSelection();
    updateConfirm();
    var input = document.querySelector("#modal input[data-confirm-input]");
    if (input) { input.focus(); }
  });
  updateSelection();
  updateConfirm();
})();
