/* Progressive enhancement only: every page works without this file.
   On wide screens the filter panel sits beside the results, so it starts open. */
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 60em)").matches) {
    return;
  }
  document.querySelectorAll("details.filters").forEach(function (panel) {
    panel.open = true;
  });
})();
