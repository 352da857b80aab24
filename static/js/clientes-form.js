// Client form: input masks (CPF, phone, CEP) and "add a row" for the inline formsets.
"use strict";
(function () {
  var MASKS = {
    cpf: { mask: "000.000.000-00" },
    cep: { mask: "00000-000" },
    // Landlines have 8 digits after the DDD, mobiles 9: IMask picks the one that fits.
    telefone: { mask: [{ mask: "(00) 0000-0000" }, { mask: "(00) 00000-0000" }] },
  };

  function applyMasks(root) {
    if (typeof IMask === "undefined") return;
    root.querySelectorAll("input[data-mask]").forEach(function (input) {
      if (input.dataset.masked) return;
      var options = MASKS[input.dataset.mask];
      if (options) {
        IMask(input, options);
        input.dataset.masked = "1";
      }
    });
  }

  function setupFormset(section) {
    var prefix = section.dataset.formset;
    var total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = section.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var template = section.querySelector("template");
    var rows = section.querySelector(".formset-rows");
    var button = section.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      applyMasks(row);
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyMasks(document);
    document.querySelectorAll("[data-formset]").forEach(setupFormset);
  });
})();
