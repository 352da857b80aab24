"""Password reset by an e-mailed link: asking for it, and sending it.

Django's token generator makes the link: it expires after
PASSWORD_RESET_TIMEOUT and works once (it covers the password hash and the
last login, both of which the reset changes). Nothing here tells whether an
address has an account: the answer, its timing (the mail goes out from a
Celery task) and the per-account limit are the same for any address; only
the per-IP limit answers 429, and it counts every request alike.

Requests are counted on the audit trail (PASSWORD_RESET_REQUEST, by IP and
by target account on their indexes), so the limits hold across processes and
restarts without depending on Redis.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.emails import normalized_email
from accounts.models import User
from audit.choices import Action
from audit.models import AuditEvent
from audit.services import audit_record

logger = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=1)
SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"
TEXT_TEMPLATE = "accounts/email/password_reset.txt"
HTML_TEMPLATE = "accounts/email/password_reset.html"


class TooManyResetRequests(Exception):
    """This IP asked for too many resets within the window."""


def _recent_requests(**lookup) -> int:
    since = timezone.now() - WINDOW
    return AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUEST, occurred_at__gte=since, **lookup
    ).count()


def _account_for(email: str) -> User | None:
    """Return the account a reset may be sent to: active, with a usable password."""
    user = User.objects.filter(email=normalized_email(email), is_active=True).first()
    return user if user is not None and user.has_usable_password() else None


def password_reset_request(*, email: str, ip: str | None) -> int | None:
    """Record a reset request for ``email``; return the id of the account to e-mail.

    None when there is no such active account or it had its
    PASSWORD_RESET_ACCOUNT_LIMIT links this hour (the caller answers the
    same either way). Raises TooManyResetRequests when this IP asked
    PASSWORD_RESET_IP_LIMIT times within the hour.
    """
    if ip and _recent_requests(ip=ip) >= settings.PASSWORD_RESET_IP_LIMIT:
        raise TooManyResetRequests
    user = _account_for(email)
    sent = user is not None and (
        _recent_requests(target_type="accounts.user", target_id=str(user.pk))
        < settings.PASSWORD_RESET_ACCOUNT_LIMIT
    )
    audit_record(
        action=Action.PASSWORD_RESET_REQUEST, actor=user, target=user, details={"enviado": sent}
    )
    return user.pk if sent else None


def reset_link(user: User, base_url: str) -> str:
    """Return the absolute one-use reset link of ``user``."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def password_reset_send(*, user_id: int, base_url: str) -> bool:
    """E-mail the reset link to the user ``user_id``; False if the account cannot reset."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "user": user,
        "link": reset_link(user, base_url),
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
    subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(TEXT_TEMPLATE, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    message.send()
    logger.info("password reset link sent to user %s", user.pk)
    return True
