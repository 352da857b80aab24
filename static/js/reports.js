// Export forms: show the server's 400 (limit exceeded, invalid filters) in place
// instead of dropping it, which is what htmx does with error statuses by default.
"use strict";
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.elt.closest && event.detail.elt.closest("[data-export-form]");
  if (form && event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
