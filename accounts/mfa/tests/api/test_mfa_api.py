"""The API: tokens need ``otp`` for a user with 2FA; enrolment and removal by endpoint."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.tests.helpers import code_at, fresh_code
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("auth-api:token")
ME_URL = reverse("auth-api:me")


def _obtain(client, user, password=TEST_PASSWORD, **extra):
    body = {"email": user.email, "password": password, **extra}
    return client.post(TOKEN_URL, body, content_type="application/json")


def _bearer(access):
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


def test_a_user_with_2fa_gets_mfa_required_without_otp(client, administrador):
    response = _obtain(client, administrador)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "mfa_required" and "access" not in body
    assert "otp" in body["detail"]


def test_a_current_code_gets_the_tokens_once(client, administrador):
    code = fresh_code(administrador)
    response = _obtain(client, administrador, otp=code)
    assert response.status_code == 200
    assert client.get(ME_URL, **_bearer(response.json()["access"])).json()["papel"]
    replay = _obtain(client, administrador, otp=code)
    assert replay.status_code == 401 and replay.json()["code"] == "invalid_otp"


def test_a_recovery_code_gets_the_tokens_once(client, analista_2fa):
    code = analista_2fa.recovery_codes[0]
    assert _obtain(client, analista_2fa, otp=code).status_code == 200
    assert _obtain(client, analista_2fa, otp=code).status_code == 401


def test_wrong_otps_count_toward_the_lockout(client, administrador):
    _obtain(client, administrador, password="senha-errada-123")
    for _ in range(3):
        assert _obtain(client, administrador, otp="000000").status_code == 401
    fifth = _obtain(client, administrador, otp="00000-00000")
    assert fifth.status_code == 429 and fifth.json()["code"] == "locked_out"
    locked = _obtain(client, administrador, otp=fresh_code(administrador))
    assert locked.status_code == 429


@pytest.mark.parametrize("otp", ["", None, ["123456"], {"code": "1"}, "9" * 33])
def test_malformed_otp_is_a_400(client, administrador, otp):
    response = _obtain(client, administrador, otp=otp)
    assert response.status_code == 400


def test_enrolment_through_the_api(client, analista):
    tokens = _obtain(client, analista).json()
    start = client.post(reverse("mfa-api:totp"), **_bearer(tokens["access"]))
    assert start.status_code == 201
    body = start.json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    from base64 import b32decode

    key = b32decode(body["secret"] + "=" * (-len(body["secret"]) % 8))
    confirm_url = reverse("mfa-api:totp-confirm")
    wrong = client.post(
        confirm_url,
        {"code": "000000"},
        content_type="application/json",
        **_bearer(tokens["access"]),
    )
    assert wrong.status_code == 400
    response = client.post(
        confirm_url,
        {"code": code_at(key)},
        content_type="application/json",
        **_bearer(tokens["access"]),
    )
    assert response.status_code == 200
    confirmed = response.json()
    assert len(confirmed["recovery_codes"]) == 10
    # The caller's old tokens are revoked; the new pair works.
    assert client.get(ME_URL, **_bearer(tokens["access"])).status_code == 401
    assert client.get(ME_URL, **_bearer(confirmed["access"])).status_code == 200
    assert TOTPDevice.objects.get(user=analista).confirmed
    assert _obtain(client, analista).json()["code"] == "mfa_required"
    otp = confirmed["recovery_codes"][0]
    assert _obtain(client, analista, otp=otp).status_code == 200


def test_turning_2fa_off_needs_a_current_code(client, analista_2fa):
    access = _obtain(client, analista_2fa, otp=analista_2fa.recovery_codes[0]).json()["access"]
    url = reverse("mfa-api:mfa")
    wrong = client.delete(
        url, {"code": "000000"}, content_type="application/json", **_bearer(access)
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["detail"] == "Código inválido ou já utilizado."
    code = fresh_code(analista_2fa)
    ok = client.delete(url, {"code": code}, content_type="application/json", **_bearer(access))
    assert ok.status_code == 204
    assert _obtain(Client(), analista_2fa).status_code == 200


def test_an_administrador_cannot_turn_it_off(client, administrador):
    access = _obtain(client, administrador, otp=fresh_code(administrador)).json()["access"]
    response = client.delete(
        reverse("mfa-api:mfa"),
        {"code": fresh_code(administrador)},
        content_type="application/json",
        **_bearer(access),
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=administrador).exists()


def test_the_schema_documents_otp_and_the_mfa_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    token_body = schema["components"]["schemas"]["TokenObtainRequest"]["properties"]
    assert "otp" in token_body and "otp" not in schema["components"]["schemas"][
        "TokenObtainRequest"
    ].get("required", [])
    paths = schema["paths"]
    assert "post" in paths["/api/v1/auth/mfa/totp/"]
    assert "post" in paths["/api/v1/auth/mfa/totp/confirm/"]
    assert "delete" in paths["/api/v1/auth/mfa/"]
