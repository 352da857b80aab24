"""Configurações: own password for everyone, system parameters for administrators."""

import pytest
from django.urls import reverse

from accounts import signals
from accounts.models import SystemSettings
from accounts.system_settings import current_settings
from conftest import TEST_PASSWORD

URL = reverse("accounts:settings")
PARAMS = {
    "export_row_limit": "20000",
    "export_sync_row_limit": "1000",
    "export_retention_days": "3",
    "export_max_pending_per_user": "3",
    "export_disk_limit_mb": "10240",
    "audit_retention_days": "1000",
    "bulk_row_limit": "50000",
    "bulk_sync_row_limit": "2000",
}


def test_analyst_sees_password_change_but_no_system_parameters(analista_client):
    content = analista_client.get(URL).content.decode()
    assert "Alterar senha" in content
    assert "Parâmetros do sistema" not in content
    assert analista_client.post(URL, PARAMS).status_code == 403
    assert current_settings().export_row_limit == 50_000


def test_admin_saves_parameters_and_every_reader_sees_them(admin_client_, administrador):
    events = []

    def receive(sender, **kwargs):
        events.append(kwargs)

    signals.system_settings_changed.connect(receive)
    try:
        assert current_settings().export_row_limit == 50_000  # cached now
        response = admin_client_.post(URL, PARAMS)
    finally:
        signals.system_settings_changed.disconnect(receive)
    assert response.status_code == 302
    assert current_settings().export_row_limit == 20_000
    row = SystemSettings.objects.get()
    assert row.updated_by == administrador and row.export_retention_days == 3
    assert events[0]["changes"]["export_row_limit"] == (50_000, 20_000)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("export_row_limit", "0", "maior ou igual a 1"),
        ("export_row_limit", "abc", "número inteiro"),
        ("export_sync_row_limit", "30000", "Não pode ser maior que o limite"),
        ("audit_retention_days", "30", "maior ou igual a 180"),
    ],
)
def test_invalid_parameters_are_refused_and_nothing_changes(admin_client_, field, value, message):
    response = admin_client_.post(URL, {**PARAMS, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SystemSettings.objects.get_or_create(pk=1)[0].export_row_limit == 50_000
    assert current_settings().export_row_limit == 50_000


def _pw(old, new1, new2=None):
    return {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_pw("errada-123", "Nova-senha-1"), "senha antiga"),
        (_pw(TEST_PASSWORD, "Nova-senha-1", "Outra-1"), "não correspondem"),
        (_pw(TEST_PASSWORD, "12345678"), "inteiramente numérica"),
        (_pw(TEST_PASSWORD, "a" * 200), "no máximo 128 caracteres"),
    ],
)
def test_password_change_explains_what_is_wrong(analista_client, analista, data, message):
    response = analista_client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    analista.refresh_from_db()
    assert analista.check_password(TEST_PASSWORD)


def test_a_64_character_pass_phrase_is_accepted(analista_client, analista):
    phrase = "correct horse battery staple " * 2 + "123456"
    assert len(phrase) == 64
    response = analista_client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": phrase, "new_password2": phrase},
    )
    assert response.status_code == 302
    analista.refresh_from_db()
    assert analista.check_password(phrase)
