// Site-wide behaviour. No inline scripts: everything lives in static files (CSP).
"use strict";

// CSP forbids inline styles: HTMX's indicator CSS lives in app.css, so HTMX
// must not inject its own <style>. Set here, not in a <meta name="htmx-config">:
// HTMX reads only the first such meta, which belongs to the page (e.g. the
// search screen's history settings).
if (window.htmx) {
  window.htmx.config.includeIndicatorStyles = false;
}

(function () {
  // Phones: "Menu" shows and hides the section links.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    var open = nav.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // "/" from anywhere puts the cursor in the client search box (the page's
  // own box on the search screen, the header's elsewhere), as long as the
  // user is not typing in a field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    var box = document.querySelector("#search-form [name=q]") || document.querySelector("[data-search-box]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
