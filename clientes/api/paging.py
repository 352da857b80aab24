"""A per-user limit on the pages of client lists the API serves.

Each page of ``GET /api/v1/clients/`` and ``/api/v1/clients/search`` (numbered
or by cursor) counts against the user's ``clients_pages`` rate
(``CLIENTS_API_PAGE_RATE``): walking page after page copies the registry, a
person or an integration that needs a few clients does not come near it.
Counters live in the Redis cache (DRF's sliding window); if Redis is down
the page is served (logged), like the other API rate limits.
"""

import logging

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class PageLimitReached(Throttled):
    """429 with a pt-BR message and Retry-After."""

    default_detail = _(
        "Limite de páginas de clientes por usuário atingido: refine a pesquisa em vez de "
        "percorrer as páginas."
    )
    extra_detail_singular = _("Tente novamente em {wait} segundo.")
    extra_detail_plural = _("Tente novamente em {wait} segundos.")


class ClientePageThrottle(SimpleRateThrottle):
    """Count the client list pages (GET) each user reads (scope ``clients_pages``)."""

    scope = "clients_pages"

    def get_rate(self):
        # DRF's THROTTLE_RATES is frozen at import; read the current settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if request.method != "GET" or not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception as exc:
            logger.warning("page limit cache unavailable, page served: %s", type(exc).__name__)
            return True
        if not allowed:
            raise PageLimitReached(wait=self.wait())
        return True
