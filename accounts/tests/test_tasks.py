from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tasks import accounts_housekeeping

pytestmark = pytest.mark.django_db


def _attempt(username, age):
    attempt = AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", user_agent="x", failures_since_start=3,
        get_data="", post_data="",
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - age)


def _failure(ip, age):
    failure = AccessFailureLog.objects.create(
        username="x@teste.com.br", ip_address=ip, user_agent="x", locked_out=False
    )
    AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=timezone.now() - age)


def _token(user, jti, expires_in):
    OutstandingToken.objects.create(
        user=user, jti=jti, token="x", created_at=timezone.now(),
        expires_at=timezone.now() + expires_in,
    )  # fmt: skip


def test_housekeeping_removes_only_what_can_no_longer_authenticate(analista):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(
        session_key="live", session_data="", expire_date=now + timedelta(hours=1)
    )
    _token(analista, "expired", -timedelta(hours=1))
    _token(analista, "valid", timedelta(hours=1))
    _attempt("old@teste.com.br", timedelta(hours=2))
    _attempt("recent@teste.com.br", timedelta(minutes=5))
    _failure("10.0.0.1", timedelta(hours=2))
    _failure("10.0.0.2", timedelta(minutes=5))

    result = accounts_housekeeping.delay().get()

    assert result == {"sessions": 1, "tokens": 1, "attempts": 1, "failures": 1}
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["valid"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent@teste.com.br"]
