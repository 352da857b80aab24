// Export forms. No inline scripts: this file is loaded by the export templates,
// possibly again when htmx swaps the search screen, so it registers once.
"use strict";

if (!window.gcExportHandlers) {
  window.gcExportHandlers = true;

  // Show the server's refusals in place instead of dropping them, which is
  // what htmx does with error statuses by default: 400 (limit exceeded,
  // invalid filters), 429 (too many exports in flight: wait), 507 (the
  // export files' disk is full).
  const shownStatuses = [400, 429, 507];
  document.addEventListener("htmx:beforeSwap", (event) => {
    // The element that sent the request (an export form, or the search screen's
    // saved-search and bulk-action panels), not the swap target, which may sit
    // outside it (Relatórios: #export-status).
    const source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    const form = source.closest && source.closest("[data-export-form], [data-search-action]");
    if (form && shownStatuses.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The search screen updates its results in place, so the hidden copies of
  // the search parameters rendered with the export form may be stale: send
  // the filters that are on screen when the user clicks "Exportar".
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("[data-search-form]");
    const search = form && document.querySelector(form.dataset.searchForm);
    if (!search) {
      return;
    }
    const data = event.detail.formData;
    form.querySelectorAll("input[data-search-param]").forEach((input) => data.delete(input.name));
    for (const [key, value] of new FormData(search)) {
      if (value !== "" && !data.has(key)) {
        data.append(key, value);
      }
    }
  });
}
