"""Authentication leaves a trail: a table of action -> expected event."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _only(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, f"expected one {action}, got {len(events)}"
    return events[0]


def test_login_success(client, analista):
    client.post(LOGIN, {"username": analista.email, "password": TEST_PASSWORD})
    event = _only(Action.LOGIN)
    assert (event.actor_id, event.actor_email, event.actor_role) == (
        analista.pk,
        analista.email,
        "Analista",
    )
    assert (event.target_type, event.target_id, event.ip) == (
        "accounts.user",
        str(analista.pk),
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("email", "known"),
    [("Analista@Teste.com.br", True), ("ninguem@teste.com.br", False)],
)
def test_login_failure_keeps_the_email_tried_never_the_password(client, analista, email, known):
    client.post(LOGIN, {"username": email, "password": "senha-errada-999"})
    event = _only(Action.LOGIN_FAILED)
    assert event.actor_id is None
    assert event.details == {"email": email.lower()}
    assert event.target_label == email.lower()
    assert (event.target_id == str(analista.pk)) is known
    assert "senha-errada-999" not in str(event.__dict__)


def test_logout(analista_client, analista):
    analista_client.post(reverse("accounts:logout"))
    event = _only(Action.LOGOUT)
    assert event.actor_id == analista.pk


def test_change_through_the_django_admin_is_audited(administrador, analista):
    LogEntry.objects.log_actions(
        user_id=administrador.pk,
        queryset=[analista],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Ativo"]}}],
        single_object=True,
    )
    event = _only(Action.ADMIN_CHANGE)
    assert event.actor_email == administrador.email
    assert (event.target_type, event.target_id) == ("accounts.user", str(analista.pk))
    assert "Ativo" in event.details["change"]
