"""One structured log line per request."""

import logging
import time

from django.utils.functional import empty

logger = logging.getLogger("gestao.request")


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
