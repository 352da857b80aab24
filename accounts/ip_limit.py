"""A limit on failed logins from one client IP across every account (password spraying).

axes locks an (account, IP) pair after a few failures, which still lets one
IP try a few passwords against every account, each costing a bcrypt. This
adds a second limit: after ``LOGIN_IP_FAILURE_LIMIT`` failed logins from one
IP within ``LOGIN_IP_WINDOW``, every login from that IP (any account, right
password or not) is refused with 429 until the oldest of those failures
leaves the window.

It is an authentication backend placed before the others, so it guards every
door that authenticates (the web login, ``POST /api/v1/auth/token/``, the
Django admin) before any password is checked. A refusal marks the request
locked out the way axes does, so ``accounts.lockout.lockout_response``
answers it (429, ``Retry-After``), and sends axes' ``user_locked_out`` (the
audit trail records it). The failures are axes' own failure log
(``AccessFailureLog``, in PostgreSQL like the lockout: it survives restarts
and does not depend on Redis). As for a locked pair, axes counts an attempt
refused during the block as one more failure, so an IP that keeps trying
stays blocked.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.emails import normalized_email
from common.client_ip import client_ip

# Set on a request refused by this limit: when it may try again.
BLOCKED_UNTIL = "login_ip_blocked_until"


def ip_blocked_until(ip: str) -> datetime | None:
    """Return until when logins from ``ip`` are refused, or None if they are allowed."""
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    if not limit or not ip:
        return None
    window = settings.LOGIN_IP_WINDOW
    latest = list(
        AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=timezone.now() - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(latest) < limit:
        return None
    return latest[-1] + window


def blocked_until(request) -> datetime | None:
    """Return until when the IP of ``request`` was refused, if this limit refused it."""
    return getattr(request, BLOCKED_UNTIL, None)


class IpFailureLimitBackend:
    """Refuse any authentication from an IP over the failed-login limit (never logs in)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        ip = client_ip(request)
        until = ip_blocked_until(ip)
        if until is None:
            return None
        setattr(request, BLOCKED_UNTIL, until)
        # As for a pair axes locked: AxesMiddleware and the token view answer
        # with the lockout response.
        request.axes_locked_out = True
        user_locked_out.send(
            "axes",
            request=request,
            username=normalized_email(username) if isinstance(username, str) else None,
            ip_address=ip,
        )
        raise PermissionDenied("too many failed logins from this IP")
