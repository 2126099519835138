// Progressive enhancement only: every core flow works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the first error summary so screen-reader users hear what went wrong.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // The phone menu is a <details> disclosure; say what it controls, keep aria-expanded in
    // step and let Escape close it (focus back on the button).
    var toggle = document.querySelector("[data-nav-toggle]");
    if (toggle) {
      var button = toggle.querySelector("summary");
      var sync = function () { button.setAttribute("aria-expanded", toggle.open ? "true" : "false"); };
      button.setAttribute("aria-controls", "main-nav-list");
      sync();
      toggle.addEventListener("toggle", sync);
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle.open) { toggle.open = false; button.focus(); }
      });
    }
  });
})();
