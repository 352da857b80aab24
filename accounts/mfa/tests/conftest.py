"""Fixtures of the 2FA tests: logging in step by step through the real views."""

import pytest
from django.urls import reverse

from accounts.mfa.tests.helpers import enrol, give_recovery_codes
from conftest import TEST_PASSWORD

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("mfa:verify")


def password_step(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN_URL, {"username": user.email, "password": password})


def code_step(client, code):
    return client.post(VERIFY_URL, {"code": code})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def analista_2fa(analista):
    """An Analista (2FA optional) who enrolled: app and 10 recovery codes (``.recovery_codes``)."""
    enrol(analista)
    analista.recovery_codes = give_recovery_codes(analista)
    return analista
