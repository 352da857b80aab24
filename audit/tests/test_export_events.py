"""Exports leave a trail (request, completion, download); their CPFs follow the policy."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from common.br import format_cpf, mask_cpf
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def clientes(db):
    return make_clientes(5)


def _cpfs_in(job) -> list[str]:
    text = Path(job.file.path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    return [row["CPF"] for row in rows]


def test_request_completion_and_download_are_recorded(client, analista, clientes):
    job = run_export(analista, params={"uf": "SP", "cpf": clientes[0].cpf}, fmt="csv")
    client.force_login(analista)
    response = client.get(reverse("reports:export_download", args=[job.pk]))
    assert response.status_code == 200

    events = {e.action: e for e in AuditEvent.objects.filter(target_type="reports.exportjob")}
    assert set(events) == {Action.EXPORT_REQUEST, Action.EXPORT_COMPLETE, Action.EXPORT_DOWNLOAD}
    for event in events.values():
        assert (event.actor_email, event.target_id) == (analista.email, str(job.pk))
    assert events[Action.EXPORT_COMPLETE].details["linhas"] == job.row_count
    assert events[Action.EXPORT_REQUEST].details["filtros"]["cpf"] == mask_cpf(clientes[0].cpf)
    assert events[Action.EXPORT_DOWNLOAD].request_id == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("role", "full"), [("analista", False), ("gerente", True), ("administrador", True)]
)
def test_exported_cpfs_per_role(request, clientes, role, full):
    job = run_export(request.getfixturevalue(role), params={}, fmt="csv")
    show = format_cpf if full else mask_cpf
    assert sorted(_cpfs_in(job)) == sorted(show(c.cpf) for c in clientes)


def test_an_exports_label_shows_sao_paulo_time(analista, clientes):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    job = run_export(analista, params={"uf": "SP"}, fmt="csv")
    event = AuditEvent.objects.filter(action=Action.EXPORT_REQUEST, target_id=str(job.pk)).get()
    local = timezone.localtime(job.created_at, ZoneInfo("America/Sao_Paulo"))
    assert event.target_label.endswith(local.strftime("%d/%m/%Y %H:%M"))
    assert str(job).endswith(local.strftime("%d/%m/%Y %H:%M"))
