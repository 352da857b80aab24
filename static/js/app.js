// Site-wide behaviour. No inline scripts: everything lives in static files (CSP).
"use strict";

// CSP forbids inline styles: HTMX's indicator CSS lives in app.css, so HTMX
// must not inject its own <style>. Set here, not in a <meta name="htmx-config">:
// HTMX reads only the first such meta, which belongs to the page (e.g. the
// search screen's history settings).
if (window.htmx) {
  window.htmx.config.includeIndicatorStyles = false;
}
