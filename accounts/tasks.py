"""Periodic clean-up of what logins leave behind, and the password reset e-mail."""

from axes.models import AccessAttempt, AccessFailureLog
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.password_reset import password_reset_send


@shared_task
def accounts_housekeeping() -> dict[str, int]:
    """Delete expired sessions, expired refresh tokens and failed logins no limit counts any more.

    None of these can authenticate anyone any more; keeping them only grows
    tables that every login reads.
    """
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    # Deleting an outstanding token cascades to its blacklist entry.
    _total, deleted = OutstandingToken.objects.filter(expires_at__lt=now).delete()
    tokens = deleted.get(OutstandingToken._meta.label, 0)
    attempts, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()
    # The per-IP limit reads the failure log of its window only (the audit
    # trail keeps every failed login for good).
    failures, _ = AccessFailureLog.objects.filter(
        attempt_time__lt=now - max(settings.LOGIN_IP_WINDOW, settings.AXES_COOLOFF_TIME)
    ).delete()
    return {"sessions": sessions, "tokens": tokens, "attempts": attempts, "failures": failures}


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_password_reset_link(user_id: int, base_url: str) -> bool:
    """E-mail a password reset link; an unreachable mail server is retried."""
    return password_reset_send(user_id=user_id, base_url=base_url)
