// Client search screen: input masks and clean URLs. No inline scripts (CSP).
"use strict";

(function () {
  var MASKS = {
    cpf: { mask: "000.000.000-00" },
    cep: { mask: "00000-000" },
  };

  function applyMasks(root) {
    if (typeof IMask === "undefined") return;
    root.querySelectorAll("input[data-mask]").forEach(function (input) {
      if (input.dataset.masked) return;
      var options = MASKS[input.dataset.mask];
      if (!options) return;
      IMask(input, options);
      input.dataset.masked = "1";
    });
  }

  // Empty fields and defaults stay out of the URL, so a shared link shows only
  // what the user actually searched for.
  var DEFAULTS = { status: "todos", size: "50" };
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("#busca")) return;
    var params = event.detail.parameters;
    var names = params instanceof FormData ? Array.from(params.keys()) : Object.keys(params);
    names.forEach(function (name) {
      var value = params instanceof FormData ? params.get(name) : params[name];
      if (value === "" || DEFAULTS[name] === value) {
        if (params instanceof FormData) params.delete(name);
        else delete params[name];
      }
    });
  });

  // A 400 carries what to fix (e.g. "Informe o CPF completo"): show it in the
  // results instead of dropping it, as htmx does with error statuses by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (event.detail.xhr.status === 400 && elt.closest && elt.closest("#busca")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // "Informe também: Data de nascimento": open the filters and put the cursor
  // in that field (one click from a page of namesakes to narrowing it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-focus]");
    if (!link) return;
    var field = document.getElementById(link.dataset.focus);
    if (!field) return;
    event.preventDefault();
    var panel = field.closest("details");
    if (panel) panel.open = true;
    field.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyMasks(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    applyMasks(event.detail.elt.ownerDocument || document);
  });
})();
