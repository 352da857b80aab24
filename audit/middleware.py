"""Give every request an id, an audit context, and audit its 403s and 429s.

Put ``audit.middleware.RequestContextMiddleware`` first in MIDDLEWARE, so the
request id is known to every log line of the request, including those of the
other middleware.
"""

from __future__ import annotations

import re

from audit import context as audit_context
from audit.choices import Action
from audit.network import is_trusted_proxy, parse_ip
from audit.services import audit_record, request_origin

REQUEST_ID_HEADER = "X-Request-ID"
# Ids a trusted proxy may hand us (nginx's $request_id is 32 hex digits).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")

_AUDITED_STATUS = {403: Action.ACCESS_DENIED, 429: Action.RATE_LIMITED}


def _incoming_request_id(request) -> str | None:
    """Return the proxy's request id, believed only from a trusted proxy."""
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    if not value or not _VALID_REQUEST_ID.match(value):
        return None
    remote = parse_ip(request.META.get("REMOTE_ADDR", ""))
    return value if remote is not None and is_trusted_proxy(remote) else None


class RequestContextMiddleware:
    """Set ``request.request_id`` and the audit context; echo the id in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming_request_id(request) or audit_context.new_request_id()
        request.request_id = request_id
        origin = request_origin(request)
        token = audit_context.activate(
            audit_context.OperationContext(
                request_id=request_id,
                channel=origin["channel"],
                ip=origin["ip"],
                user_agent=origin["user_agent"],
                request=request,
            )
        )
        try:
            response = self.get_response(request)
            action = _AUDITED_STATUS.get(response.status_code)
            if action is not None:
                _record_refusal(request, response, action)
        finally:
            audit_context.deactivate(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _record_refusal(request, response, action) -> None:
    audit_record(
        action=action,
        request=request,
        details={
            "method": request.method,
            "path": request.path[:500],
            "status": response.status_code,
        },
    )
