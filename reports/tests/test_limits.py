"""Exports in flight per user and the disk their files take: both bounded.

Both bounds are Configurações parameters; a request over one is refused
before any job exists, in the API and in the screen alike.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accounts.system_settings import current_settings
from reports.models import ExportJob
from reports.tests.conftest import make_clientes

EXPORT_URL = "/api/v1/clients/export?format=pdf"
MB = 1024 * 1024


@pytest.fixture
def clientes(db, export_settings):
    export_settings(export_sync_row_limit=5)  # 20 rows: a background export
    return make_clientes(20)


def _in_flight(user, count, status="pending"):
    for _ in range(count):
        ExportJob.objects.create(owner=user, format="pdf", fields=["cpf"], status=status)


def _api_export(client):
    return client.post(EXPORT_URL, {"uf": "SP"}, content_type="application/json")


def test_the_fourth_export_in_flight_is_a_429_that_says_to_wait(client, analista, clientes):
    client.force_login(analista)
    _in_flight(analista, 2)
    _in_flight(analista, 1, status="running")
    before = ExportJob.objects.count()

    response = _api_export(client)

    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    (error,) = response.json()["errors"]
    assert error["code"] == "too_many_exports"
    assert "Aguarde uma delas terminar" in error["detail"] and "o limite é 3" in error["detail"]
    assert ExportJob.objects.count() == before


def test_finished_exports_and_other_users_do_not_count(client, analista, gerente, clientes):
    client.force_login(analista)
    _in_flight(analista, 2)
    for status in ("done", "failed", "cancelled"):
        _in_flight(analista, 2, status=status)
    _in_flight(gerente, 3)
    assert _api_export(client).status_code == 202
    assert _api_export(client).status_code == 429


def test_the_screen_shows_the_wait_message(client, analista, clientes):
    client.force_login(analista)
    _in_flight(analista, 3)
    form = {"uf": "SP", "exp-format": "pdf", "exp-fields": ["cpf", "nome_completo"]}
    url = reverse("reports:export_create")

    page = client.post(url, form)
    fragment = client.post(url, form, HTTP_HX_REQUEST="true")

    for response in (page, fragment):
        assert response.status_code == 429
        assert "Aguarde uma delas terminar e tente de novo." in response.content.decode()
    assert ExportJob.objects.filter(owner=analista).count() == 3


def test_the_limit_is_a_configuracoes_parameter(client, analista, admin_client_, clientes):
    form = {
        "export_row_limit": "50000",
        "export_sync_row_limit": "5",
        "export_retention_days": "7",
        "export_max_pending_per_user": "4",
        "export_disk_limit_mb": "10240",
        "audit_retention_days": "1825",
        "bulk_row_limit": "50000",
        "bulk_sync_row_limit": "2000",
    }
    page = admin_client_.get(reverse("accounts:settings")).content.decode()
    assert "Exportações simultâneas por usuário" in page
    assert "Espaço máximo dos arquivos exportados (MB)" in page
    assert admin_client_.post(reverse("accounts:settings"), form).status_code == 302
    assert current_settings().export_max_pending_per_user == 4

    client.force_login(analista)
    _in_flight(analista, 3)
    assert _api_export(client).status_code == 202
    assert _api_export(client).status_code == 429


def _stored_job(owner, size, *, expires_in):
    """A finished export whose recorded file takes ``size`` bytes."""
    job = ExportJob.objects.create(
        owner=owner,
        format="csv",
        fields=["cpf"],
        status="done",
        size=size,
        expires_at=timezone.now() + expires_in,
        finished_at=timezone.now(),
    )
    job.file.name = default_storage.save(f"exports/{owner.pk}/{job.pk}.csv", ContentFile(b"x"))
    job.save(update_fields=["file"])
    return job


def test_a_full_export_disk_refuses_new_exports_clearly(
    client, analista, gerente, export_settings, clientes
):
    export_settings(export_disk_limit_mb=10)
    _stored_job(gerente, 6 * MB, expires_in=timedelta(days=3))
    kept = _stored_job(gerente, 5 * MB, expires_in=timedelta(days=1))
    client.force_login(analista)
    before = ExportJob.objects.count()

    response = _api_export(client)

    assert response.status_code == 507
    (error,) = response.json()["errors"]
    assert error["code"] == "export_storage_full"
    assert "espaço reservado para arquivos exportados (10 MB) está cheio" in error["detail"]
    assert ExportJob.objects.count() == before
    # Files still within their retention are never deleted early.
    assert Path(kept.file.path).exists()


def test_expired_files_go_first_oldest_first_to_make_room(
    client, analista, gerente, export_settings, clientes, django_capture_on_commit_callbacks
):
    export_settings(export_disk_limit_mb=10)
    oldest = _stored_job(gerente, 4 * MB, expires_in=-timedelta(hours=3))
    newer = _stored_job(gerente, 4 * MB, expires_in=-timedelta(hours=1))
    live = _stored_job(gerente, 4 * MB, expires_in=timedelta(days=1))
    client.force_login(analista)

    with django_capture_on_commit_callbacks(execute=True):
        response = _api_export(client)

    assert response.status_code == 202
    for job in (oldest, newer, live):
        job.refresh_from_db()
    # 12 MB used, 10 MB allowed: dropping the oldest expired file is enough.
    assert (
        not oldest.file
        and not Path(default_storage.path(f"exports/{gerente.pk}/{oldest.pk}.csv")).exists()
    )
    assert newer.file and live.file
    assert Path(newer.file.path).exists()


def test_the_screen_shows_the_full_disk_message(
    client, analista, gerente, export_settings, clientes
):
    export_settings(export_disk_limit_mb=10)
    _stored_job(gerente, 10 * MB, expires_in=timedelta(days=1))
    client.force_login(analista)
    form = {"uf": "SP", "exp-format": "pdf", "exp-fields": ["cpf"]}
    response = client.post(reverse("reports:export_create"), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 507
    assert "está cheio" in response.content.decode()
