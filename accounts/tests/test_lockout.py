"""Five failures lock the (account, IP) pair on the web and the API alike."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts import services
from conftest import TEST_PASSWORD

LOGIN_URL = reverse("accounts:login")
TOKEN_URL = reverse("auth-api:token")
WRONG = "senha-errada-123"


def _web_login(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


def _api_login(client, email, password, **extra):
    return client.post(
        TOKEN_URL, {"email": email, "password": password}, content_type="application/json", **extra
    )


def test_sixth_web_attempt_is_refused_even_with_the_right_password(client, analista):
    for _ in range(4):
        response = _web_login(client, analista.email, WRONG)
        assert "E-mail ou senha incorretos." in response.content.decode()
    fifth = _web_login(client, analista.email, WRONG)
    assert fifth.status_code == 429
    response = _web_login(client, analista.email, TEST_PASSWORD)
    content = response.content.decode()
    assert response.status_code == 429
    assert "está bloqueado até" in content
    assert int(response["Retry-After"]) > 25 * 60
    assert "_auth_user_id" not in client.session


def test_email_case_does_not_give_extra_attempts(client, analista):
    for email in ("ANALISTA@teste.com.br", "Analista@Teste.com.br", "analista@teste.com.br") * 2:
        response = _web_login(client, email, WRONG)
    assert response.status_code == 429


def test_api_failures_count_toward_the_web_lockout(client, analista):
    for _ in range(3):
        assert _api_login(client, analista.email, WRONG).status_code == 401
    for _ in range(2):
        _web_login(client, analista.email, WRONG)
    response = _api_login(client, analista.email, TEST_PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "bloqueado até" in body["detail"]
    assert "access" not in body


def test_lockout_is_per_ip_so_others_cannot_lock_a_user_out(client, analista):
    for _ in range(5):
        _web_login(client, analista.email, WRONG, REMOTE_ADDR="203.0.113.66")
    assert (
        _web_login(client, analista.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.66").status_code
        == 429
    )
    response = _web_login(client, analista.email, TEST_PASSWORD, REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 302


def test_spoofed_forwarded_for_neither_resets_nor_frames(client, analista, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    # An attacker rotating X-Forwarded-For from outside still hits one counter...
    for n in range(5):
        _web_login(
            client, analista.email, WRONG,
            REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )  # fmt: skip
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    locked = _web_login(client, analista.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.66")
    assert locked.status_code == 429
    # ...and the victim behind our proxy, whose IP the attacker claimed, is not locked.
    response = _web_login(
        client, analista.email, TEST_PASSWORD,
        REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.0",
    )  # fmt: skip
    assert response.status_code == 302


def test_behind_the_proxy_each_real_client_has_its_own_counter(client, analista, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for _ in range(5):
        _web_login(
            client, analista.email, WRONG, REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )  # fmt: skip
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"
    other = _web_login(
        client, analista.email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )  # fmt: skip
    assert other.status_code == 302


def test_success_before_the_limit_clears_the_counter(client, analista):
    for _ in range(4):
        _web_login(client, analista.email, WRONG)
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        _web_login(client, analista.email, WRONG)
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302


def test_admin_unlocks_from_user_management(client, analista, administrador):
    for _ in range(5):
        _web_login(client, analista.email, WRONG)
    admin = type(client)()
    admin.force_login(administrador)
    edit = admin.get(reverse("accounts:user_edit", args=[analista.pk])).content.decode()
    assert "Bloqueada por tentativas de login sem sucesso." in edit
    listing = admin.get(reverse("accounts:user_list")).content.decode()
    assert "Bloqueado" in listing
    response = admin.post(reverse("accounts:user_unlock", args=[analista.pk]))
    assert response.status_code == 302
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302


def test_admin_unlocks_from_the_django_admin(client, analista, administrador):
    for _ in range(5):
        _web_login(client, analista.email, WRONG)
    admin = type(client)()
    admin.force_login(administrador)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [analista.pk]},
    )
    assert response.status_code == 302
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302


def test_lockout_survives_in_the_database(client, analista):
    for _ in range(5):
        _web_login(client, analista.email, WRONG)
    # A fresh client (as after a restart, or with Redis down) is still refused.
    fresh = type(client)()
    assert _web_login(fresh, analista.email, TEST_PASSWORD).status_code == 429
    assert services.user_unlock(email="ANALISTA@teste.com.br") == 1


@pytest.mark.django_db
def test_unknown_email_counts_too(client):
    for _ in range(5):
        _web_login(client, "ninguem@teste.com.br", WRONG)
    assert _web_login(client, "ninguem@teste.com.br", WRONG).status_code == 429


def test_the_attempt_record_keeps_no_password(client, analista):
    _web_login(client, analista.email, "segredo-que-nao-fica-123")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == analista.email
    assert "segredo-que-nao-fica-123" not in attempt.post_data
