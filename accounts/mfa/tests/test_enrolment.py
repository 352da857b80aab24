"""Enrolment in Configurações → Segurança: QR code, secret, first code, recovery codes."""

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api.tokens import tokens_for
from accounts.mfa.tests.conftest import code_step, logged_in, password_step
from accounts.mfa.tests.helpers import code_at, fresh_code
from audit.choices import Action
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SECURITY_URL = reverse("mfa:security")
ENROL_URL = reverse("mfa:enrol")


def _secret_on(page: str) -> bytes:
    from base64 import b32decode

    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    return b32decode(secret + "=" * (-len(secret) % 8))


def _codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", page)


def test_configuracoes_links_to_the_security_page(analista_client):
    page = analista_client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{SECURITY_URL}"' in page
    page = analista_client.get(SECURITY_URL).content.decode()
    assert "Desativada." in page and f'href="{ENROL_URL}"' in page


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(analista_client):
    page = analista_client.get(ENROL_URL).content.decode()
    assert 'src="data:image/svg+xml' in page  # made on the server, no external service
    key = _secret_on(page)
    assert (
        analista_client.get(ENROL_URL)
        .content.decode()
        .count(re.search(r'id="totp-secret">(\w+)<', page).group(1))
        == 1
    )  # the same secret until confirmed
    wrong = analista_client.post(ENROL_URL, {"code": "12345"})
    assert wrong.status_code == 400
    assert "Informe os 6 dígitos mostrados no aplicativo." in wrong.content.decode()
    response = analista_client.post(ENROL_URL, {"code": code_at(key)})
    assert response.status_code == 200
    page = response.content.decode()
    codes = _codes_on(page)
    assert len(codes) == len(set(codes)) == 10
    # Downloadable as a text file, without keeping them anywhere on the server.
    href = re.search(r'href="(data:text/plain;charset=utf-8,[^"]+)" download=', page).group(1)
    assert all(code in unquote(href) for code in codes)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & ({c.replace("-", "") for c in codes} | set(codes))
    assert TOTPDevice.objects.get(confirmed=True).bin_key == key
    assert AuditEvent.objects.filter(action=Action.MFA_ENABLE).count() == 1
    security = analista_client.get(SECURITY_URL).content.decode()
    assert "Aplicativo autenticador" in security and "10 códigos restantes" in security


def test_a_wrong_first_code_enables_nothing(analista_client, analista):
    analista_client.get(ENROL_URL)
    assert analista_client.post(ENROL_URL, {"code": "000000"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=analista, confirmed=True).exists()
    assert not StaticToken.objects.exists()


def test_enabling_ends_the_other_sessions_and_revokes_tokens(client, analista):
    other = Client()
    other.force_login(analista)
    access = str(tokens_for(analista).access_token)
    client.force_login(analista)
    key = _secret_on(client.get(ENROL_URL).content.decode())
    assert client.post(ENROL_URL, {"code": code_at(key)}).status_code == 200
    assert client.get(reverse("home")).status_code == 200  # this session stays
    assert other.get(reverse("home")).status_code == 302
    me = Client().get(reverse("auth-api:me"), HTTP_AUTHORIZATION=f"Bearer {access}")
    assert me.status_code == 401


def test_new_recovery_codes_void_the_old_ones(analista_2fa, client):
    old = analista_2fa.recovery_codes
    client.force_login(analista_2fa)
    refused = client.post(reverse("mfa:recovery_codes"), {"code": "000000"})
    assert refused.status_code == 400
    response = client.post(reverse("mfa:recovery_codes"), {"code": fresh_code(analista_2fa)})
    new = _codes_on(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action=Action.MFA_RECOVERY_CODES).count() == 1
    client.post(reverse("accounts:logout"))
    password_step(client, analista_2fa)
    assert code_step(client, old[0]).status_code == 400
    assert code_step(client, new[0]).status_code == 302
    assert logged_in(client)


def test_a_user_of_an_optional_role_may_turn_2fa_off(analista_2fa, client):
    client.force_login(analista_2fa)
    assert client.post(reverse("mfa:disable"), {"code": "999999"}).status_code == 400
    response = client.post(reverse("mfa:disable"), {"code": analista_2fa.recovery_codes[0]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analista_2fa).exists()
    assert AuditEvent.objects.filter(action=Action.MFA_DISABLE).count() == 1
    client.post(reverse("accounts:logout"))
    password_step(client, analista_2fa)
    assert logged_in(client)


def test_an_administrador_cannot_turn_it_off(admin_client_, administrador):
    page = admin_client_.get(SECURITY_URL).content.decode()
    assert reverse("mfa:disable") not in page
    response = admin_client_.post(reverse("mfa:disable"), {"code": fresh_code(administrador)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=administrador).exists()
