"""Password spraying from one IP, look-alike e-mails, guessing at an open session."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.tests.test_lockout import LOGIN_URL, WRONG, _api_login, _web_login
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

PASSWORD_URL = reverse("accounts:password_change")
LONG_S, DOTLESS_I, KELVIN = "\u017f", "\u0131", "\u212a"


def _spray(client, count, login=_web_login, **extra):
    """``count`` failed logins from one IP, each against a different account."""
    for n in range(count):
        response = login(client, f"vitima{n}@teste.com.br", WRONG, **extra)
        assert response.status_code in (200, 401), n


# --- Per-IP limit across accounts -------------------------------------------------


def test_twenty_failures_from_one_ip_block_every_web_login_from_it(client, analista):
    _spray(client, 20)

    response = _web_login(client, analista.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "a partir deste endereço" in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    # Another IP is not affected.
    other = _web_login(client, analista.email, TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_the_token_endpoint_shares_the_per_ip_limit(client, analista):
    _spray(client, 10, login=_api_login)
    _spray(client, 10)

    response = _api_login(client, analista.email, TEST_PASSWORD)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "ip_locked_out"
    assert "a partir deste endereço" in body["detail"]
    assert "access" not in body
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_nineteen_failures_still_let_the_right_password_in(client, analista):
    _spray(client, 19)
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302


def test_the_per_ip_block_is_recorded_in_the_audit_trail(client, analista):
    _spray(client, 20, REMOTE_ADDR="203.0.113.9")
    _web_login(client, analista.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.9")

    lockout = AuditEvent.objects.get(action=Action.LOCKOUT)
    assert lockout.details["scope"] == "ip"
    assert lockout.ip == "203.0.113.9"
    assert lockout.target_id == str(analista.pk)
    assert AuditEvent.objects.filter(action=Action.RATE_LIMITED, ip="203.0.113.9").exists()


def test_limit_and_window_are_settings(client, analista, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    settings.LOGIN_IP_WINDOW = timedelta(minutes=5)
    _spray(client, 3)
    response = _web_login(client, analista.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert 4 * 60 < int(response["Retry-After"]) <= 5 * 60

    # Failures that left the window no longer count.
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=6))
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 302


# --- Look-alike e-mails -----------------------------------------------------------


@pytest.fixture
def make_user(roles, django_user_model):
    def make(email):
        return django_user_model.objects.create_user(email=email, password=TEST_PASSWORD)

    return make


@pytest.mark.parametrize(
    ("stored", "lookalike"),
    [
        ("sam@teste.com.br", f"{LONG_S}am@teste.com.br"),
        ("kim@teste.com.br", f"{KELVIN}im@teste.com.br"),
    ],
)
def test_a_lookalike_spelling_shares_the_accounts_failure_counter(
    client, make_user, stored, lookalike
):
    make_user(stored)
    for _ in range(4):
        _web_login(client, stored, WRONG)
    fifth = _web_login(client, lookalike, WRONG)
    assert fifth.status_code == 429

    assert _web_login(client, stored, TEST_PASSWORD).status_code == 429
    assert _api_login(client, lookalike, TEST_PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {stored}


def test_a_lookalike_that_is_another_address_reaches_no_account(client, make_user):
    make_user("iris@teste.com.br")
    lookalike = f"{DOTLESS_I}ris@teste.com.br"

    web = _web_login(client, lookalike, TEST_PASSWORD)
    assert web.status_code == 200
    assert "E-mail ou senha incorretos." in web.content.decode()
    assert "_auth_user_id" not in client.session
    assert _api_login(client, lookalike, TEST_PASSWORD).status_code == 401


def test_the_lookalike_spelling_of_an_account_logs_into_that_account(client, make_user):
    sam = make_user("sam@teste.com.br")
    response = _web_login(client, f"{LONG_S}AM@teste.com.br", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sam.pk)


def test_user_management_stores_the_normalised_address(admin_client_):
    response = admin_client_.post(
        reverse("accounts:user_create"),
        {
            "nome": "Kim", "email": f"{KELVIN}IM@Teste.com.br", "role": "Analista",
            "password1": "Outra-senha-forte-1", "password2": "Outra-senha-forte-1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="kim@teste.com.br").exists()


# --- The password change page -----------------------------------------------------


def _change(client, current, new):
    return client.post(
        PASSWORD_URL,
        {"old_password": current, "new_password1": new, "new_password2": new},
    )


def test_the_temporary_password_cannot_be_the_new_one(client, analista):
    analista.must_change_password = True
    analista.save()
    client.force_login(analista)

    response = _change(client, TEST_PASSWORD, TEST_PASSWORD)

    assert response.status_code == 200
    assert "não pode ser a senha temporária" in response.content.decode()
    analista.refresh_from_db()
    assert analista.must_change_password
    assert client.get(reverse("home")).status_code == 302  # still sent to change it


def test_the_current_password_cannot_be_the_new_one(analista_client, analista):
    response = _change(analista_client, TEST_PASSWORD, TEST_PASSWORD)

    assert response.status_code == 200
    assert "deve ser diferente da senha atual" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGE).exists()


def test_wrong_current_passwords_count_like_logins_and_end_the_session(analista_client, analista):
    for _ in range(2):
        response = _change(analista_client, WRONG, "Nova-senha-forte-1")
        assert response.status_code == 200
        assert analista_client.session["_auth_user_id"] == str(analista.pk)

    response = _change(analista_client, WRONG, "Nova-senha-forte-1")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in analista_client.session
    page = analista_client.get(LOGIN_URL).content.decode()
    assert "sua sessão foi encerrada" in page
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, target_id=str(analista.pk))
    assert failed.count() == 3
    assert AccessAttempt.objects.get(username=analista.email).failures_since_start == 3
    analista.refresh_from_db()
    assert analista.check_password(TEST_PASSWORD)


def test_password_check_failures_lock_the_account_with_earlier_login_failures(client, analista):
    for _ in range(3):
        _web_login(client, analista.email, WRONG)
    client.force_login(analista)
    _change(client, WRONG, "Nova-senha-forte-1")

    response = _change(client, WRONG, "Nova-senha-forte-1")  # the fifth failure

    assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert _web_login(client, analista.email, TEST_PASSWORD).status_code == 429
