// Progressive enhancement only: every core flow works without this file.
(function () {
  "use strict";
  // Move focus to the first error summary so screen-reader users hear what went wrong.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
