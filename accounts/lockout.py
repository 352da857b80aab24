"""django-axes glue: who an attempt belongs to, and what a locked-out user sees.

The lockout itself is axes' (settings ``AXES_*``): 5 failures of the same
account from the same client IP lock that pair for ``AXES_COOLOFF_TIME``.
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Exists, OuterRef, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

_MAX_USERNAME = 254


def normalized_username(request, credentials=None) -> str | None:
    """Return the attempted email as stored by axes: trimmed and lower-case.

    "Maria@X.com" and "maria@x.com" are the same account, so they must share
    one failure counter.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    if not isinstance(value, str):
        return None
    return value.strip().lower()[:_MAX_USERNAME] or None


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


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out attempt: JSON for the API, the login page otherwise (429)."""
    from accounts.forms import EmailAuthenticationForm

    when = retry_at(request)
    message = lockout_message(when)
    retry_after = max(0, int((when - timezone.now()).total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_at": when.isoformat()}, status=429
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


def _locked_pairs(threshold):
    # axes keeps one row per (account, IP, user agent) and counts a pair's
    # failures across user agents, so sum them the same way.
    from django.conf import settings

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
    pairs = _locked_pairs(threshold).filter(username__in=[e.lower() for e in emails])
    return set(pairs.values_list("username", flat=True))
