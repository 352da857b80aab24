// Site-wide behaviour. No inline scripts: everything lives in static files (CSP).
"use strict";
