"""django-axes glue: who an attempt belongs to, and what a locked-out user sees.

The lockout itself is axes' (settings ``AXES_*``): 5 failures of the same
account from the same client IP lock that pair for ``AXES_COOLOFF_TIME``.
"""

import math

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Exists, OuterRef, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import ip_limit
from accounts.emails import MAX_LENGTH, normalized_email
from common.client_ip import client_ip


def normalized_username(request, credentials=None) -> str | None:
    """Return the attempted email as axes stores it: ``normalized_email``.

    "Maria@X.com", "maria@x.com" and "maria@x.com" with a Kelvin sign are one
    account (the user lookup normalises the same way), so they must share one
    failure counter.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    if not isinstance(value, str):
        return None
    return normalized_email(value)[:MAX_LENGTH] or None


def retry_at(request):
    """Return when the locked-out client behind ``request`` may try again."""
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    return attempt_time + get_cool_off(request)


def lockout_message(when) -> str:
    local = timezone.localtime(when)
    return _(
        "Muitas tentativas sem sucesso. Por segurança, o acesso a esta conta a partir "
        "deste endereço está bloqueado até %(date)s às %(time)s. Um administrador "
        "pode desbloquear antes."
    ) % {"date": date_format(local, "d/m/Y"), "time": date_format(local, "H:i")}


def ip_blocked_message(when) -> str:
    local = timezone.localtime(when)
    return _(
        "Muitas tentativas de login sem sucesso a partir deste endereço. Por segurança, "
        "novas tentativas daqui estão bloqueadas até %(date)s às %(time)s."
    ) % {"date": date_format(local, "d/m/Y"), "time": date_format(local, "H:i")}


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out attempt: JSON for the API, the login page otherwise (429).

    Locked out means the (account, IP) pair (axes) or the whole IP
    (``accounts.ip_limit``); ``Retry-After`` says when to try again.
    """
    from accounts.forms import EmailAuthenticationForm

    ip_until = ip_limit.blocked_until(request)
    if ip_until is not None:
        when, message, code = ip_until, ip_blocked_message(ip_until), "ip_locked_out"
    else:
        when = retry_at(request)
        message, code = lockout_message(when), "locked_out"
    retry_after = max(1, math.ceil((when - timezone.now()).total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": code, "retry_at": when.isoformat()}, status=429
        )
    else:
        email = normalized_username(request, credentials) or ""
        form = EmailAuthenticationForm(request, initial={"username": email})
        response = render(
            request,
            "accounts/login.html",
            {"form": form, "lockout_message": message},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def attempts_left(request) -> int:
    """Return how many more failures the (account, IP) pair of this login may have.

    Counted as axes counts (failures of the pair across user agents, within
    the cool-off), so the login page can warn before the lockout. The answer
    is the same for an email with or without an account: it reveals nothing.
    """
    username = normalized_username(request)
    if not username:
        return settings.AXES_FAILURE_LIMIT
    threshold = timezone.now() - get_cool_off()
    failures = (
        AccessAttempt.objects.filter(
            attempt_time__gte=threshold, username=username, ip_address=client_ip(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    return max(0, settings.AXES_FAILURE_LIMIT - failures)


def _locked_pairs(threshold):
    # axes keeps one row per (account, IP, user agent) and counts a pair's
    # failures across user agents, so sum them the same way.
    return (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username", "ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
    )


def with_lockout(users):
    """Annotate a User queryset with ``locked``: locked out from at least one IP now."""
    threshold = timezone.now() - get_cool_off()
    return users.annotate(
        locked=Exists(_locked_pairs(threshold).filter(username=OuterRef("email")))
    )


def locked_emails(emails) -> set[str]:
    """Return which of ``emails`` are locked out from at least one IP right now."""
    threshold = timezone.now() - get_cool_off()
    pairs = _locked_pairs(threshold).filter(username__in=[normalized_email(e) for e in emails])
    return set(pairs.values_list("username", flat=True))


# Wrong answers to the password change page's "current password" in this session.
_CHECK_FAILURES_KEY = "accounts.password_check_failures"


def password_check_failed(request) -> bool:
    """Count a wrong current password like a failed login; end the session after a few.

    Someone at an unattended session could otherwise guess the password there
    without limit. The failure counts toward the account's lockout, the
    per-IP limit and the audit trail (``user_login_failed``, as a login).
    Returns True when the session was ended (the user is told why).
    """
    user = request.user
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    failures = request.session.get(_CHECK_FAILURES_KEY, 0) + 1
    request.session[_CHECK_FAILURES_KEY] = failures
    locked = getattr(request, "axes_locked_out", False)
    if failures < settings.PASSWORD_CHECK_FAILURE_LIMIT and not locked:
        return False
    logout(request)
    messages.error(
        request,
        _(
            "A senha atual foi informada incorretamente muitas vezes. Por segurança, "
            "sua sessão foi encerrada: entre novamente."
        ),
    )
    return True
