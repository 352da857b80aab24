"""Accounts operations leave a trail: a table of action -> expected event."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.roles import GERENTE
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Outra-Senha-Forte-987"


def _token(client, user):
    response = client.post(
        reverse("auth-api:token"),
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()


def _refresh(client, analista, administrador):
    pair = _token(client, analista)
    client.post(reverse("auth-api:token-refresh"), {"refresh": pair["refresh"]}, "application/json")


CASES = {
    # name: (operation, action, actor, target)
    "token obtain": (
        lambda c, a, adm: _token(c, a),
        Action.TOKEN_OBTAIN,
        "analista",
        "analista",
    ),
    "token refresh": (_refresh, Action.TOKEN_REFRESH, "analista", "analista"),
    "token revocation": (
        lambda c, a, adm: services.user_revoke_tokens(user=a, reason="deactivated", by=adm),
        Action.TOKEN_REVOKE,
        "administrador",
        "analista",
    ),
    "password change": (
        lambda c, a, adm: services.user_change_password(user=a, password=NEW_PASSWORD),
        Action.PASSWORD_CHANGE,
        "analista",
        "analista",
    ),
    "password reset": (
        lambda c, a, adm: services.user_reset_password(user=a, password=NEW_PASSWORD, by=adm),
        Action.PASSWORD_RESET,
        "administrador",
        "analista",
    ),
    "user update": (
        lambda c, a, adm: services.user_update(
            user=a, nome="Ana Lista", email=a.email, role=GERENTE, by=adm
        ),
        Action.USER_UPDATE,
        "administrador",
        "analista",
    ),
    "user deactivate": (
        lambda c, a, adm: services.user_deactivate(user=a, by=adm),
        Action.USER_DEACTIVATE,
        "administrador",
        "analista",
    ),
    "user reactivate": (
        lambda c, a, adm: (
            services.user_deactivate(user=a, by=adm),
            services.user_reactivate(user=a, by=adm),
        ),
        Action.USER_REACTIVATE,
        "administrador",
        "analista",
    ),
    "user unlock": (
        lambda c, a, adm: services.user_unlock(email=a.email.upper(), by=adm),
        Action.UNLOCK,
        "administrador",
        "analista",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_operation_records_its_event(client, analista, administrador, name):
    operation, action, actor, target = CASES[name]
    users = {"analista": analista, "administrador": administrador}
    operation(client, analista, administrador)
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    event = events[0]
    assert event.actor_email == users[actor].email
    assert (event.target_type, event.target_id) == ("accounts.user", str(users[target].pk))


def test_token_events_carry_ip_and_never_the_tokens(client, analista):
    pair = _token(client, analista)
    event = AuditEvent.objects.get(action=Action.TOKEN_OBTAIN)
    assert (event.channel, event.ip) == ("api", "127.0.0.1")
    stored = str(list(AuditEvent.objects.values()))
    assert pair["access"] not in stored and pair["refresh"] not in stored


def test_user_created_through_user_management_is_recorded(admin_client_, administrador):
    response = admin_client_.post(
        reverse("accounts:user_create"),
        {
            "email": "novo@teste.com.br",
            "nome": "Novo",
            "role": GERENTE,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    created = AuditEvent.objects.get(action=Action.USER_CREATE)
    assert (created.actor_email, created.channel) == (administrador.email, "web")
    assert created.details == {"email": "novo@teste.com.br", "role": GERENTE}
    assert NEW_PASSWORD not in str(list(AuditEvent.objects.values()))


def test_user_update_keeps_before_and_after(analista, administrador):
    services.user_update(
        user=analista, nome="Ana Lista", email=analista.email, role=GERENTE, by=administrador
    )
    changes = AuditEvent.objects.get(action=Action.USER_UPDATE).details["changes"]
    assert changes["role"] == {"before": "Analista", "after": GERENTE}
    assert changes["nome"]["after"] == "Ana Lista"


def test_configuracoes_change_is_recorded_with_before_and_after(admin_client_, administrador):
    services.system_settings_update(values={"audit_retention_days": 400}, by=administrador)
    event = AuditEvent.objects.get(action=Action.SETTINGS_UPDATE)
    assert event.actor_email == administrador.email
    assert event.target_type == "accounts.systemsettings"
    assert event.details["changes"]["audit_retention_days"] == {"before": 1825, "after": 400}


def test_lockout_is_recorded_with_the_email_tried(client, analista):
    for _ in range(6):
        client.post(
            reverse("accounts:login"), {"username": analista.email, "password": "errada-1234"}
        )
    # axes signals the lockout, and again for each attempt while locked
    event = AuditEvent.objects.filter(action=Action.LOCKOUT).earliest("id")
    assert event.details["email"] == analista.email
    assert (event.target_id, event.ip) == (str(analista.pk), "127.0.0.1")
    # the refused attempts are also recorded as rate-limit hits (429)
    assert AuditEvent.objects.filter(action=Action.RATE_LIMITED).exists()
