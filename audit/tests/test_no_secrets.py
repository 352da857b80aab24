"""No password, token or session secret in any audit event or log line.

Runs a session through the real stack (login failures, login, denials, an
export, logout) with every logger at DEBUG, then greps everything written.
"""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from accounts.mfa.tests.helpers import fresh_code, give_recovery_codes
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Errada-Senha-#4821"


def test_no_secret_reaches_events_or_logs(administrador, analista, console_log):
    client = Client()
    login = reverse("accounts:login")
    client.post(login, {"username": administrador.email, "password": WRONG_PASSWORD})
    client.post(login, {"username": WRONG_PASSWORD, "password": WRONG_PASSWORD})
    client.post(login, {"username": administrador.email, "password": TEST_PASSWORD})
    # The second factor: a wrong code, then a right one (Administrador requires 2FA).
    recovery_codes = give_recovery_codes(administrador)
    client.post(reverse("mfa:verify"), {"code": recovery_codes[0][::-1]})
    client.post(reverse("mfa:verify"), {"code": fresh_code(administrador)})
    session_key = client.session.session_key
    csrf_token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    client.get(reverse("audit:event_list"), {"usuario": administrador.email})
    b"".join(client.get(reverse("audit:event_csv")).streaming_content)
    client.get("/api/v1/audit/events/", HTTP_AUTHORIZATION="Bearer eyJzZWNyZXQiOiJ0b2tlbiJ9")
    client.post(reverse("accounts:logout"))
    api = Client()
    pair = api.post(
        reverse("auth-api:token"),
        {"email": administrador.email, "password": TEST_PASSWORD, "otp": recovery_codes[1]},
        content_type="application/json",
    ).json()
    api.get("/api/v1/audit/events/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    refreshed = api.post(
        reverse("auth-api:token-refresh"), {"refresh": pair["refresh"]}, "application/json"
    ).json()
    other = Client()
    other.force_login(analista)
    other.get(reverse("audit:event_list"), HTTP_X_API_KEY="chave-secreta-123")

    events = json.dumps(list(AuditEvent.objects.values()), cls=DjangoJSONEncoder)
    logs = console_log.getvalue()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login_failed", "auth.login", "audit.export", "auth.logout"} <= actions
    assert {"auth.token_obtain", "auth.token_refresh"} <= actions
    assert "access.denied" in actions and logs
    secrets = [TEST_PASSWORD, WRONG_PASSWORD, session_key, "eyJzZWNyZXQiOiJ0b2tlbiJ9"]
    # (A 6-digit app code could match any number by chance: not searched for.)
    secrets += [recovery_codes[0][::-1], recovery_codes[1]]
    secrets += [administrador.totpdevice_set.get().key]
    secrets += ["chave-secreta-123", other.session.session_key]
    secrets += [pair["access"], pair["refresh"], refreshed["access"], refreshed["refresh"]]
    if csrf_token:
        secrets.append(csrf_token)
    for secret in secrets:
        assert secret not in events, secret
        assert secret not in logs, secret
    for user in (administrador, analista):
        assert user.password not in events and user.password not in logs  # hashes too
