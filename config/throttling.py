"""API rate limits: per user when authenticated, per client IP otherwise, and pages
of client lists per user (``ClientPagesThrottle``).

The IP is the one common.client_ip trusts (the real client behind nginx, not
nginx itself, and never a forged X-Forwarded-For), so one abusive client cannot
exhaust a whole office's quota and a spoofed header cannot reset one's own.
Counters live in the Redis cache; if Redis is down, requests are let through
(logged) rather than failing: rate limiting must not take the API down.
"""

import logging

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from common.client_ip import client_ip

logger = logging.getLogger(__name__)


class TooManyRequests(Throttled):
    """429 with a pt-BR message (DRF's own is half English) and Retry-After."""

    default_detail = _("Muitas requisições em pouco tempo.")
    extra_detail_singular = _("Tente novamente em {wait} segundo.")
    extra_detail_plural = _("Tente novamente em {wait} segundos.")


class ClientPagesLimited(TooManyRequests):
    """429 of ``ClientPagesThrottle``: says why, so the user refines the search."""

    default_detail = _(
        "Limite de páginas de clientes por usuário atingido: refine a pesquisa em vez de "
        "percorrer as páginas."
    )


class _ClientRateThrottle(SimpleRateThrottle):
    exception = TooManyRequests

    def get_ident(self, request):
        return client_ip(request)

    def get_rate(self):
        # DRF's THROTTLE_RATES is frozen at import; read the current settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception as exc:
            logger.warning("throttle cache unavailable, request allowed: %s", type(exc).__name__)
            return True
        if not allowed:
            raise self.exception(wait=self.wait())
        return True


class UserRateThrottle(_ClientRateThrottle):
    """Limit each authenticated user (scope ``user``)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonIPRateThrottle(_ClientRateThrottle):
    """Limit anonymous requests (token login, public docs) per client IP (scope ``anon``)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientPagesThrottle(UserRateThrottle):
    """Limit the pages of client lists each user walks (scope ``clients_pages``).

    Counts only GETs of views with ``limits_client_pages = True`` (the list
    and search API) that walk on: a page after the first, or a cursor's next
    page. Walking page after page copies the registry; the first page of a
    search (a CPF lookup, a name a caller spells) is never limited, so a
    call-centre integration doing thousands of lookups an hour is unaffected.
    """

    scope = "clients_pages"
    exception = ClientPagesLimited

    def get_rate(self):
        # None (no limit) when a settings override leaves the scope out.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if request.method != "GET" or not getattr(view, "limits_client_pages", False):
            return None
        if not _walks_on(request.query_params):
            return None
        return super().get_cache_key(request, view)


def _walks_on(params) -> bool:
    """Return True for a request of a page after the first (by number or by cursor)."""
    return bool(params.get("cursor")) or params.get("page", "1").strip() not in ("", "1")
