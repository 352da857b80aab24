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

  function fromSearch(event) {
    var elt = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    return elt && elt.closest && elt.closest("#busca") && !elt.closest("[data-export-form], [data-search-action]");
  }

  // Failures never pass silently: a notice above the results, which stay
  // visible but dimmed (they no longer answer what is typed).
  function showProblem(message) {
    var notice = document.getElementById("search-notice");
    var results = document.getElementById("resultados");
    if (results) results.classList.add("is-stale");
    if (notice) {
      notice.textContent = message;
      notice.hidden = false;
    }
  }

  function clearProblem() {
    var notice = document.getElementById("search-notice");
    if (notice) {
      notice.hidden = true;
      notice.textContent = "";
    }
  }

  // A 400 carries what to fix (e.g. "Informe o CPF completo", an age range
  // upside down): show it in the results, as a full page load would, instead
  // of dropping it as htmx does with error statuses by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!fromSearch(event)) return;
    var status = event.detail.xhr.status;
    if (status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status >= 500 || status === 0) {
      event.detail.shouldSwap = false;
      showProblem(document.getElementById("search-notice").dataset.serverError);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!fromSearch(event)) return;
    showProblem(document.getElementById("search-notice").dataset.offline);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!fromSearch(event)) return;
    clearProblem();
  });

  // The filter panel stays as the user left it: sorting, a category or a chip
  // re-render the screen, and must not open (or close) it.
  var panelWasOpen = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var panel = document.querySelector("#busca .search-filters");
    panelWasOpen = !!(panel && panel.open);
  });
  document.addEventListener("htmx:afterSwap", function () {
    var panel = document.querySelector("#busca .search-filters");
    if (panel && panelWasOpen) panel.open = true;
  });

  // Keyboard: from the box, ArrowDown reaches the first result; ArrowUp/Down
  // move between results and Enter opens one (it is a link). ArrowUp from
  // the first result goes back to the box.
  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#resultados td.nome a"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var active = document.activeElement;
    var links = resultLinks();
    if (!links.length || !active) return;
    if (active.id === "id_q") {
      if (event.key !== "ArrowDown") return;
      event.preventDefault();
      links[0].focus();
      return;
    }
    var index = links.indexOf(active);
    if (index < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown" && index < links.length - 1) links[index + 1].focus();
    else if (event.key === "ArrowUp" && index > 0) links[index - 1].focus();
    else if (event.key === "ArrowUp") document.getElementById("id_q").focus();
  });
  // "Pular para os resultados": the first result gets the focus, not just the view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.skip-results");
    if (!link) return;
    var first = resultLinks()[0];
    event.preventDefault();
    (first || document.getElementById("resultados")).focus();
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
