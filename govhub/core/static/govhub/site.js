// GovHub: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Copy buttons for values shown once (API tokens).
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = button.getAttribute("data-copied-label") || button.textContent;
        });
      }
    });
  });
})();
