"""One structured log line per request, and search latency by kind."""

import logging
import time

from django.utils.functional import empty

from monitoring.metrics import SEARCH_LATENCY

logger = logging.getLogger("gestao.request")

# Views that search clients (screen, API search and API list with filters).
SEARCH_VIEWS = {"clientes:search", "clients-search", "clients-list"}
# A search's kind is its most selective criterion, in this order.
SEARCH_KINDS = (("cpf", "cpf"), ("nome", "nome"), ("q", "texto"), ("cidade", "cidade"))


def search_kind(params) -> str:
    """Return what a search looked for: cpf, nome, texto, cidade or filtros."""
    for param, kind in SEARCH_KINDS:
        if params.get(param, "").strip():
            return kind
    return "filtros"


class RequestLogMiddleware:
    """Log method, route, view, status, duration and user id of every request.

    The route is the URL *pattern* (``clientes/<int:pk>/``), never the path or
    query string, which can hold CPFs and names typed into a search.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        # Read the user only if the request already loaded it: logging must not
        # add a session query to requests that never needed one (/health/).
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:
            user = None
        fields = {
            "method": request.method,
            "route": "/" + match.route if match else None,
            "view": match.view_name if match else None,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        }
        if match and match.view_name in SEARCH_VIEWS and request.method == "GET":
            SEARCH_LATENCY.labels(kind=search_kind(request.GET)).observe(duration_ms / 1000)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            fields["route"] or "-",
            response.status_code,
            duration_ms,
            extra=fields,
        )
        return response
