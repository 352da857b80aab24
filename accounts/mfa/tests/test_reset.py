"""Administrators reset another user's 2FA (lost phone); users see their devices."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api.tokens import tokens_for
from accounts.mfa.tests.conftest import code_step, password_step
from accounts.mfa.tests.helpers import enrol, fresh_code
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _reset_url(user):
    return reverse("mfa:user_reset", kwargs={"pk": user.pk})


def test_an_administrator_resets_a_users_2fa(admin_client_, administrador, analista_2fa):
    user_page = admin_client_.get(reverse("accounts:user_edit", kwargs={"pk": analista_2fa.pk}))
    assert _reset_url(analista_2fa) in user_page.content.decode()
    victim_session = Client()
    victim_session.force_login(analista_2fa)
    access = str(tokens_for(analista_2fa).access_token)

    response = admin_client_.post(_reset_url(analista_2fa))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analista_2fa).exists()
    assert victim_session.get(reverse("home")).status_code == 302
    me = Client().get(reverse("auth-api:me"), HTTP_AUTHORIZATION=f"Bearer {access}")
    assert me.status_code == 401
    event = AuditEvent.objects.get(action=Action.MFA_RESET)
    assert event.actor_id == administrador.pk and event.target_id == str(analista_2fa.pk)
    # The recovery codes went with the app: the password is enough again (optional role).
    client = Client()
    assert password_step(client, analista_2fa)["Location"] == "/"


def test_a_reset_administrador_must_enrol_again(client, administrador, django_user_model, roles):
    boss = django_user_model.objects.create_superuser(email="root@teste.com.br", password="x")
    client.force_login(boss)
    client.post(_reset_url(administrador))
    client.post(reverse("accounts:logout"))
    assert password_step(client, administrador)["Location"] == reverse("mfa:enrol")


def test_only_a_superuser_resets_a_superusers_2fa(admin_client_, django_user_model, roles):
    root = django_user_model.objects.create_superuser(
        email="root@teste.com.br", password=TEST_PASSWORD
    )
    enrol(root)
    page = admin_client_.get(reverse("accounts:user_edit", kwargs={"pk": root.pk}))
    assert _reset_url(root) not in page.content.decode()
    assert admin_client_.post(_reset_url(root)).status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()
    assert not AuditEvent.objects.filter(action=Action.MFA_RESET).exists()
    other_root = django_user_model.objects.create_superuser(email="r2@teste.com.br", password="x")
    client = Client()
    client.force_login(other_root)
    client.post(_reset_url(root))
    assert not TOTPDevice.objects.filter(user=root).exists()


def test_users_see_their_devices_and_when_each_was_last_used(client, analista_2fa):
    password_step(client, analista_2fa)
    code_step(client, fresh_code(analista_2fa))
    page = client.get(reverse("mfa:security")).content.decode()
    device = TOTPDevice.objects.get(user=analista_2fa)
    from django.utils import timezone
    from django.utils.formats import date_format

    last_used = date_format(timezone.localtime(device.last_used_at), "d/m/Y H:i")
    assert "Aplicativo autenticador" in page and last_used in page
    assert "Códigos de recuperação (10 códigos restantes)" in page
    assert "Nunca" in page  # no recovery code used yet


def test_the_operator_resets_from_the_command_line(administrador):
    from django.core.management import call_command

    call_command("mfa_reset", "ADMIN@teste.com.br")
    assert not TOTPDevice.objects.filter(user=administrador).exists()
    event = AuditEvent.objects.get(action=Action.MFA_RESET)
    assert event.channel == "command" and event.actor_id is None
