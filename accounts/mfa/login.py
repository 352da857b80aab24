"""The login's second step: a password alone never opens a session for a user with 2FA.

After the password, the session holds only a *pending* login (who, through
which backend, until when); ``django.contrib.auth.login`` runs when the code
is right. A wrong code is a failed login for django-axes (same counter, same
lockout as a wrong password), and the lockout's reset on success happens only
then, because ``user_logged_in`` is sent only then.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed

from accounts.mfa.devices import has_mfa
from accounts.mfa.policy import user_requires_mfa

PENDING = "mfa.pending"
# Set at login for a user whose role requires 2FA and who has no device yet:
# the session can only enrol (accounts.mfa.middleware) until it is cleared.
ENROLMENT_REQUIRED = "mfa.enrolment_required"


def begin_second_step(request, user, redirect_to: str) -> None:
    """Remember a login waiting for its second factor (for MFA_LOGIN_STEP_SECONDS)."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "started": int(time.time()),
        "next": redirect_to,
    }


def pending_login(request) -> dict | None:
    """Return the pending login of this session, or None (none, or expired and dropped)."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("started", 0) > settings.MFA_LOGIN_STEP_SECONDS:
        del request.session[PENDING]
        return None
    return pending


def pending_user(pending: dict):
    """Return the active user of a pending login, or None."""
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def complete_login(request, user, pending: dict) -> None:
    """Open the session the pending login was waiting for."""
    del request.session[PENDING]
    auth_login(request, user, backend=pending["backend"])


def finish_password_login(request, user) -> None:
    """Log in a user without a device; flag the session if their role requires enrolment."""
    auth_login(request, user)
    if user_requires_mfa(user):
        request.session[ENROLMENT_REQUIRED] = True


def needs_second_step(user) -> bool:
    return has_mfa(user)


def is_locked_out(request, email: str) -> bool:
    """Return whether this (account, client IP) pair is locked out now."""
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.is_locked(request, credentials={"username": email})


def record_failure(request, email: str) -> bool:
    """Count a wrong second factor as a failed login; return whether the pair is now locked."""
    AxesProxyHandler.update_request(request)
    user_login_failed.send(
        sender=__name__, credentials={"username": email, "factor": "otp"}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False)) or is_locked_out(request, email)
