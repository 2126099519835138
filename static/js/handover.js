// Progressive enhancement of the forward form (the form works without it): the receiver list
// shows only the officials of the step chosen above it.
(function () {
  "use strict";
  function follow(stepSelect) {
    var users = document.getElementById(stepSelect.getAttribute("data-step-select"));
    if (!users) { return; }
    var groups = users.querySelectorAll("optgroup[data-step]");
    for (var i = 0; i < groups.length; i++) {
      var shown = groups[i].getAttribute("data-step") === stepSelect.value;
      groups[i].hidden = !shown;
      groups[i].disabled = !shown;
    }
    var chosen = users.options[users.selectedIndex];
    if (chosen && chosen.parentNode.disabled) { users.value = ""; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-step-select]");
    for (var i = 0; i < selects.length; i++) {
      follow(selects[i]);
      selects[i].addEventListener("change", function (event) { follow(event.target); });
    }
  });
})();
