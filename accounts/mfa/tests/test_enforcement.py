"""Roles that require 2FA: enrolment right after the password, nothing else before it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.policy import role_policies
from accounts.mfa.tests.conftest import password_step
from accounts.mfa.tests.helpers import fresh_code
from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE, ROLE_LABELS
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ENROL_URL = reverse("mfa:enrol")
POLICY_URL = reverse("mfa:policy")


@pytest.fixture
def new_admin(django_user_model, roles):
    """An Administrador who has not enrolled yet."""
    user = django_user_model.objects.create_user(
        email="novo-admin@teste.com.br", password=TEST_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=ADMINISTRADOR))
    return user


def test_by_default_administrador_and_encarregado_require_2fa(roles):
    policies = role_policies()
    assert list(policies) == list(ROLE_LABELS)
    assert policies == {role: role in (ADMINISTRADOR, ENCARREGADO) for role in ROLE_LABELS}
    assert policies[ANALISTA] is policies[GERENTE] is False


def test_an_unenrolled_administrador_goes_to_enrolment_and_nowhere_else(client, new_admin):
    response = password_step(client, new_admin)
    assert response["Location"] == ENROL_URL
    for url in (reverse("home"), reverse("accounts:user_list"), reverse("mfa:security")):
        assert client.get(url)["Location"] == ENROL_URL
    api = client.get(reverse("auth-api:me"))
    assert api.status_code == 403 and api.json()["code"] == "mfa_enrolment_required"
    page = client.get(ENROL_URL).content.decode()
    assert "O seu papel exige verificação em duas etapas." in page
    device = TOTPDevice.objects.get(user=new_admin)
    from accounts.mfa.tests.helpers import code_at

    assert client.post(ENROL_URL, {"code": code_at(device.bin_key)}).status_code == 200
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_an_unenrolled_administrador_gets_no_api_token(client, new_admin):
    response = client.post(
        reverse("auth-api:token"),
        {"email": new_admin.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_enrolment_required"


def test_an_analista_without_2fa_logs_in_with_the_password(client, analista):
    assert password_step(client, analista)["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_changes_which_roles_require_it(
    client, administrador, analista, new_admin
):
    client.force_login(administrador)
    page = client.get(reverse("mfa:security")).content.decode()
    for role in ROLE_LABELS:
        assert f'name="papel_{role}"' in page
    response = client.post(POLICY_URL, {f"papel_{ANALISTA}": "on"})
    assert response.status_code == 302
    # Every role not ticked is optional now, Administrador included.
    assert role_policies() == {role: role == ANALISTA for role in ROLE_LABELS}
    event = AuditEvent.objects.get(action=Action.MFA_POLICY_UPDATE)
    assert event.actor_id == administrador.pk
    assert event.details["changes"][ANALISTA] == {"before": False, "after": True}
    client.post(reverse("accounts:logout"))
    assert password_step(client, analista)["Location"] == ENROL_URL
    client.post(reverse("accounts:logout"))
    assert password_step(client, new_admin)["Location"] == "/"


def test_only_administrators_change_the_policy(client, gerente):
    client.force_login(gerente)
    assert client.post(POLICY_URL, {f"papel_{GERENTE}": ""}).status_code == 403
    assert "papel_" not in client.get(reverse("mfa:security")).content.decode()
    assert role_policies()[ADMINISTRADOR] is True


def test_a_new_role_appears_with_its_default(admin_client_, monkeypatch):
    monkeypatch.setitem(ROLE_LABELS, "Auditor", "Auditor externo")
    page = admin_client_.get(reverse("mfa:security")).content.decode()
    assert 'name="papel_Auditor" id="id_papel_Auditor">' in page  # optional by default
    assert f'name="papel_{ENCARREGADO}" id="id_papel_{ENCARREGADO}" checked' in page
    assert role_policies()["Auditor"] is False


def test_an_administrador_with_2fa_gets_the_second_step(client, administrador):
    assert password_step(client, administrador)["Location"] == reverse("mfa:verify")
    client.post(reverse("mfa:verify"), {"code": fresh_code(administrador)})
    assert client.get(reverse("accounts:user_list")).status_code == 200
