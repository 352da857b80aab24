"""The login's second step on the web: codes, recovery codes, replays, expiry, lockout."""

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.tests.conftest import LOGIN_URL, VERIFY_URL, code_step, logged_in, password_step
from accounts.mfa.tests.helpers import code_at, fresh_code
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_password_alone_does_not_log_in_a_user_with_2fa(client, analista_2fa):
    response = password_step(client, analista_2fa)
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    assert not logged_in(client)
    assert client.get(reverse("home"))["Location"].startswith(LOGIN_URL)
    page = client.get(VERIFY_URL).content.decode()
    assert "Verificação em duas etapas" in page and 'autocomplete="one-time-code"' in page


def test_the_app_code_completes_the_login(client, analista_2fa):
    password_step(
        client,
        analista_2fa,
    )
    response = code_step(client, fresh_code(analista_2fa))
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor_id=analista_2fa.pk).count() == 1
    device = TOTPDevice.objects.get(user=analista_2fa)
    assert device.last_used_at is not None


def test_the_next_page_survives_the_second_step(client, analista_2fa):
    client.post(
        LOGIN_URL,
        {"username": analista_2fa.email, "password": TEST_PASSWORD, "next": "/conta/senha/"},
    )
    assert code_step(client, fresh_code(analista_2fa))["Location"] == "/conta/senha/"


def test_a_code_is_accepted_one_step_early_or_late_but_not_two(client, analista_2fa):
    key = TOTPDevice.objects.get(user=analista_2fa).bin_key
    now = time.time()
    if now % 30 > 27:  # keep the four codes below within one server time step
        time.sleep(3.5)
        now = time.time()
    password_step(client, analista_2fa)
    for offset in (-2, 2):
        assert code_step(client, code_at(key, offset, now)).status_code == 400
    assert code_step(client, code_at(key, -1, now)).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, analista_2fa)
    assert code_step(client, code_at(key, 1, now)).status_code == 302


def test_a_code_already_used_is_refused(client, analista_2fa):
    code = fresh_code(analista_2fa)
    password_step(client, analista_2fa)
    assert code_step(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, analista_2fa)
    response = code_step(client, code)
    assert response.status_code == 400
    assert "Código inválido ou já utilizado." in response.content.decode()
    assert not logged_in(client)


def test_a_recovery_code_works_once(client, analista_2fa):
    code = analista_2fa.recovery_codes[3]
    password_step(client, analista_2fa)
    assert code_step(client, code.upper().replace("-", " ")).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, analista_2fa)
    assert code_step(client, code).status_code == 400
    assert code_step(client, analista_2fa.recovery_codes[4]).status_code == 302


def test_the_second_step_expires_after_five_minutes(client, analista_2fa, settings):
    assert settings.MFA_LOGIN_STEP_SECONDS == 300
    password_step(client, analista_2fa)
    session = client.session
    session["mfa.pending"]["started"] -= 301
    session.save()
    response = code_step(client, fresh_code(analista_2fa))
    assert response.status_code == 302 and response["Location"] == LOGIN_URL
    assert not logged_in(client)
    page = client.get(LOGIN_URL).content.decode()
    assert "A etapa de verificação expirou. Entre novamente." in page


def test_wrong_codes_count_toward_the_password_lockout(client, analista_2fa):
    for _ in range(2):
        password_step(client, analista_2fa, password="senha-errada-123")
    password_step(client, analista_2fa)
    for _ in range(2):
        response = code_step(client, "000000")
        assert response.status_code == 400
    fifth = code_step(client, "123456")
    assert fifth.status_code == 429
    assert "está bloqueado até" in fifth.content.decode()
    failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, target_id=analista_2fa.pk)
    assert failures.count() == 5
    # Locked: neither the password nor a right code gets in now.
    assert password_step(client, analista_2fa).status_code == 429
    assert code_step(client, fresh_code(analista_2fa)).status_code == 302  # no pending login
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action=Action.LOCKOUT).exists()
    # The wrong codes are not kept in axes' records.
    attempt = AccessAttempt.objects.get(username=analista_2fa.email)
    assert "000000" not in attempt.post_data and "123456" not in attempt.post_data


def test_a_right_code_clears_the_failures(client, analista_2fa):
    password_step(client, analista_2fa)
    for _ in range(4):
        code_step(client, "000000")
    assert code_step(client, fresh_code(analista_2fa)).status_code == 302
    assert not AccessAttempt.objects.filter(username=analista_2fa.email).exists()


def test_malformed_codes_get_a_message(client, analista_2fa):
    password_step(client, analista_2fa)
    for bad in ("", "x" * 500):
        response = code_step(client, bad)
        assert response.status_code == 400
        assert "field-error" in response.content.decode()
    assert not logged_in(client)


def test_the_django_admin_login_sends_to_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/admin/"


@pytest.mark.django_db(transaction=True)
def test_the_same_code_sent_twice_at_once_logs_in_only_once(analista_2fa):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection
    from django.test import Client

    clients = [Client(), Client()]
    for each in clients:
        password_step(each, analista_2fa)
    code = fresh_code(analista_2fa)
    barrier = Barrier(2)

    def send(each):
        barrier.wait()
        try:
            return code_step(each, code).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(send, clients))
    assert statuses == [302, 400]
