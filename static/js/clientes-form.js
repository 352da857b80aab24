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

  // After a failed save, the error summary takes the focus (screen readers
  // read it); each of its links puts the cursor in its field.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-focus-field]");
    if (!link) return;
    var field = document.getElementById(link.dataset.focusField);
    if (!field) return;
    event.preventDefault();
    field.focus();
  });

  // A complete CEP fills the row's UF (from the CEP ranges, on the server)
  // and, when an address service is configured there, city, street and
  // neighbourhood left empty. Any failure leaves the fields as they were.
  var lastLookup = {};
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-formset] input[data-mask=cep]")) return;
    var form = input.closest("form[data-cep-url]");
    var digits = input.value.replace(/\D/g, "");
    if (!form || digits.length !== 8 || lastLookup[input.id] === digits) return;
    lastLookup[input.id] = digits;
    var prefix = input.id.replace(/cep$/, "");
    fetch(form.dataset.cepUrl.replace("00000000", digits), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) {
        if (!found) return;
        var uf = document.getElementById(prefix + "uf");
        if (uf && found.uf) uf.value = found.uf;
        ["cidade", "logradouro", "bairro"].forEach(function (name) {
          var field = document.getElementById(prefix + name);
          if (field && !field.value && found[name]) field.value = found[name];
        });
      })
      .catch(function () {});
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyMasks(document);
    document.querySelectorAll("[data-formset]").forEach(setupFormset);
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
