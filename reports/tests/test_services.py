"""Export services: same clients as the search, limits, cancel, expiry, recovery."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientes.selectors import cliente_search
from reports import progress, services
from reports.models import ExportJob
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export


@pytest.fixture
def clientes(db):
    return make_clientes(60)


def _exported_ids(job) -> list[int]:
    text = Path(job.file.path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return [int(row[0]) for row in rows[1:]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"uf": "GO"},
        {"cidade": "sao paulo", "status": "ativo"},
        {"status": "inativo", "ordering": "-nome_completo"},
        {"idade_min": 40, "idade_max": 60, "ordering": "data_nascimento"},
        {"nome": "numero 00001", "sexo": "F"},
        {"cpf": "1000000"},
    ],
)
def test_export_ids_equal_search_ids_in_the_same_order(analista, gerente, clientes, params):
    # A CPF prefix is searched only by who sees full CPFs (clientes.filters).
    analista = gerente if "cpf" in params else analista
    job = run_export(analista, params, fields=["id_cliente", "nome_completo", "cidade", "telefone"])
    expected = list(
        cliente_search(user=analista, params=params).values_list("id_cliente", flat=True)
    )
    assert expected  # every case selects someone
    assert _exported_ids(job) == expected
    assert job.row_count == len(expected)


def test_the_job_stores_filters_not_ids(gerente, clientes):
    job = run_export(gerente, {"uf": "PE", "page": "3", "nome": " "}, ordering="cpf")
    assert job.filters == {"uf": "PE", "ordering": "cpf"}
    assert job.ordering == "cpf"


def test_over_the_limit_is_refused_before_any_work_with_the_count(
    analista, clientes, export_settings
):
    export_settings(export_row_limit=50)
    with pytest.raises(ValidationError) as error:
        services.export_request(user=analista, params={}, fmt="xlsx")
    assert "60 clientes" in error.value.messages[0] and "50" in error.value.messages[0]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"params": {"uf": "XX"}}, "XX"),
        ({"params": {}, "fields": ["cpf", "senha"]}, "Campos desconhecidos: senha"),
        ({"params": {}, "fmt": "docx"}, "Formato inválido"),
        ({"params": {}, "csv_dialect": "tsv"}, "Formato de CSV inválido"),
    ],
)
def test_bad_requests_raise_pt_br_messages(analista, clientes, options, message):
    options.setdefault("fmt", "csv")
    with pytest.raises(ValidationError) as error:
        services.export_request(user=analista, **options)
    assert message in " ".join(error.value.messages)


def test_small_exports_are_inline_large_ones_queued(
    analista, clientes, export_settings, django_capture_on_commit_callbacks
):
    export_settings(export_sync_row_limit=10)
    small = {"uf": "SP", "nome": "000003"}
    assert services.export_request(user=analista, params=small, fmt="csv").inline
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.export_request(user=analista, params={}, fmt="csv")
    assert not queued.inline
    # Celery runs eagerly in unit tests: the queued job ran on commit.
    queued.job.refresh_from_db()
    assert queued.job.status == "done"
    assert queued.job.expires_at - queued.job.finished_at == timedelta(days=7)


def test_generate_is_idempotent(analista, clientes):
    job = run_export(analista, {}, fmt="xlsx")
    name, size = job.file.name, job.size
    assert services.export_generate(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.file.name, job.size, job.attempts) == ("done", name, size, 1)


def test_cancelled_job_is_never_generated(analista, clientes):
    done = run_export(analista, {}, fmt="pdf")
    job = ExportJob.objects.create(owner=analista, format="csv", fields=["cpf"], row_count=60)
    services.export_cancel(user=analista, job=job)
    assert services.export_generate(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file
    with pytest.raises(ValidationError, match="já terminou"):
        services.export_cancel(user=analista, job=done)


def test_cancel_during_generation_discards_the_partial_file(analista):
    make_clientes(2500)
    job = ExportJob.objects.create(owner=analista, format="csv", fields=["cpf"], row_count=2500)
    # The owner cancels while the worker writes (the flag is checked every 500 rows).
    progress.request_cancel(job.pk)
    assert services.export_generate(job_id=job.pk).status == "cancelled"
    assert not list(services._part_path(job).parent.glob("*.part"))
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file


def test_a_failure_is_reported_and_leaves_no_file(analista, clientes):
    job = ExportJob.objects.create(owner=analista, format="csv", fields=["nao_existe"], row_count=1)
    assert services.export_generate(job_id=job.pk).status == "failed"
    job.refresh_from_db()
    assert job.error == "Erro inesperado ao gerar o arquivo. Tente novamente."
    assert not job.file and job.finished_at


def test_expiry_deletes_files_and_keeps_the_history(
    analista, clientes, django_capture_on_commit_callbacks
):
    old = run_export(analista, {}, fmt="csv")
    fresh = run_export(analista, {"uf": "SP"}, fmt="csv")
    old_path = Path(old.file.path)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_expire() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old_path.exists() and not old.file and old.status == "done"
    assert Path(fresh.file.path).exists()


def test_abandoned_running_jobs_are_requeued_then_failed(analista, clientes):
    abandoned = ExportJob.objects.create(
        owner=analista, format="csv", fields=["cpf"], status="running", attempts=1
    )
    hopeless = ExportJob.objects.create(
        owner=analista, format="csv", fields=["cpf"], status="running", attempts=3
    )
    assert services.export_recover_stale() == {"requeued": 1, "failed": 1}
    abandoned.refresh_from_db()
    hopeless.refresh_from_db()
    assert abandoned.status == "done" and abandoned.attempts == 2  # re-run eagerly
    assert hopeless.status == "failed" and "interrompida" in hopeless.error


def test_progress_is_live_while_running(analista):
    job = ExportJob.objects.create(owner=analista, format="csv", fields=["cpf"], status="running")
    progress.set_progress(job.pk, 42)
    assert services.export_progress(job) == 42


def test_a_search_that_grew_past_the_limit_fails_clearly(analista, clientes, export_settings):
    job = ExportJob.objects.create(owner=analista, format="xlsx", fields=["cpf"], row_count=8)
    export_settings(export_row_limit=10)  # 60 clients match by the time it runs
    assert services.export_generate(job_id=job.pk).status == "failed"
    job.refresh_from_db()
    assert job.error == "A pesquisa agora encontra mais de 10 clientes, o limite por exportação."
    assert not job.file and not list(services._part_path(job).parent.glob("*.part"))


def test_filters_are_described_for_people_without_full_cpfs():
    described = services.describe_filters(
        {"uf": "GO", "status": "inativo", "cpf": "529.982.247-25", "ordering": "-data_nascimento"}
    )
    assert described == [
        ("UF", "Goiás"),
        ("Status", "Inativos"),
        ("CPF", "***.982.247-**"),
        ("Ordenação", "Data de nascimento (decrescente)"),
    ]


def test_housekeeping_is_scheduled_and_runs(analista, clientes):
    from django_celery_beat.models import PeriodicTask

    from reports.tasks import export_housekeeping_task

    task = PeriodicTask.objects.get(task="reports.export_housekeeping")
    assert task.enabled and task.interval.every == 5 and task.interval.period == "minutes"
    assert export_housekeeping_task.delay().get() == {
        "expired": 0,
        "requeued": 0,
        "failed": 0,
        "dispatched": 0,
    }
