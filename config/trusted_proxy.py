"""Drop proxy headers that did not come from one of our reverse proxies.

Only a proxy listed in TRUSTED_PROXIES (nginx) may say "this was HTTPS"
(X-Forwarded-Proto) or "the client is X" (X-Forwarded-For); anyone else
talking to the app port directly could forge them to pass as HTTPS or to
dodge throttling and lockout. The client's IP itself comes from
common.client_ip.client_ip, which applies the same rule.
"""

from __future__ import annotations

from common.client_ip import is_trusted_proxy

# Headers only a trusted proxy may send (request.META names).
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP")


class TrustedProxyMiddleware:
    """Remove forged proxy headers before anything reads them.

    First in MIDDLEWARE, so SecurityMiddleware's HTTPS redirect and
    ``request.is_secure()`` (SECURE_PROXY_SSL_HEADER) never see a forged
    X-Forwarded-Proto.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
