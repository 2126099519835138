// Progressive upload progress bar: without this file the forms post normally.
(function () {
  "use strict";

  function bind(root) {
    root.querySelectorAll("form[data-upload]").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=file]");
        if (!window.FormData || !input || !input.files || !input.files.length) { return; }
        event.preventDefault();
        var bar = form.querySelector("progress");
        var status = form.querySelector(".upload-status");
        var button = form.querySelector("button[type=submit]");
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        if (bar) { bar.hidden = false; bar.value = 0; }
        if (button) { button.disabled = true; }
        xhr.upload.addEventListener("progress", function (e) {
          if (!e.lengthComputable) { return; }
          var pct = Math.round((e.loaded / e.total) * 100);
          if (bar) { bar.value = pct; }
          if (status) { status.textContent = "Đang tải lên " + pct + "%"; }
        });
        xhr.addEventListener("load", function () {
          // The server answered with a full page (the list after a redirect, or the page with
          // its Vietnamese error): show its <main> in place, without loading the page again.
          var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
          var main = doc.querySelector("main");
          if (!main) { window.location.reload(); return; }
          document.querySelector("main").innerHTML = main.innerHTML;
          document.title = doc.title;
          if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== window.location.href) {
            window.history.replaceState(null, "", xhr.responseURL);
          }
          bind(document);
          var focusTarget = document.querySelector("[data-error-summary]") ||
            document.querySelector("main .messages") || document.querySelector("main");
          if (focusTarget) {
            if (!focusTarget.hasAttribute("tabindex")) { focusTarget.setAttribute("tabindex", "-1"); }
            focusTarget.focus();
          }
        });
        xhr.addEventListener("error", function () {
          if (button) { button.disabled = false; }
          if (status) { status.textContent = "Mất kết nối, vui lòng thử lại."; }
        });
        xhr.send(new FormData(form));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bind(document); });
})();
