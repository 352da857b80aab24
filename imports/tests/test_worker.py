"""Large imports run in a real Celery worker, with progress; cancel stops between batches."""

import time

import pytest

from clientes.models import Cliente
from imports import services
from imports.models import ImportJob, ImportStatus
from imports.tests.conftest import csv_bytes, person, upload
from reports.tests.conftest import real_broker, workers  # noqa: F401 (fixtures)


@pytest.mark.django_db(transaction=True)
def test_more_than_2000_rows_run_in_a_worker_with_progress(gerente, real_broker, workers):  # noqa: F811
    rows = [person() for _ in range(2_500)]
    job = services.import_request(user=gerente, upload=upload(csv_bytes(rows)), dry_run=False)
    assert job.status == ImportStatus.PENDING  # queued, not run in the request
    assert Cliente.objects.count() == 0
    workers()
    seen_progress = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen_progress.add(job.progress)
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == ImportStatus.DONE, job.error
    assert (job.total, job.processed, job.created) == (2_500, 2_500, 2_500)
    assert job.progress == 100
    assert Cliente.objects.count() == 2_500


@pytest.mark.django_db
def test_cancel_stops_after_the_current_batch(
    gerente, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "SYNC_ROW_LIMIT", 5)
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    real_batch = services._process_batch

    def batch_then_cancel(job, rows, seen):
        done = real_batch(job, rows, seen)
        ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)  # the user clicks
        return done

    monkeypatch.setattr(services, "_process_batch", batch_then_cancel)
    rows = [person() for _ in range(10)]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_request(user=gerente, upload=upload(csv_bytes(rows)), dry_run=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert (job.processed, job.created) == (4, 4)
    assert Cliente.objects.count() == 4  # whole rows only: every one has its address
    assert all(c.enderecos.count() == 1 for c in Cliente.objects.all())


@pytest.mark.django_db
def test_a_redelivered_job_resumes_after_its_last_committed_batch(gerente, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    rows = [person() for _ in range(7)] + [person(CPF=None)]
    rows[-1]["CPF"] = rows[0]["CPF"]  # a repeat of row 2, found again after resuming
    job = services.import_upload(user=gerente, upload=upload(csv_bytes(rows)), dry_run=False)
    job.status = ImportStatus.PENDING
    job.save()
    real_batch = services._process_batch
    calls = []

    def die_on_second_batch(job, batch, seen):
        calls.append(len(batch))
        if len(calls) == 2:
            raise SystemExit  # the worker is killed mid-job
        return real_batch(job, batch, seen)

    monkeypatch.setattr(services, "_process_batch", die_on_second_batch)
    with pytest.raises(SystemExit):
        services.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed, Cliente.objects.count()) == (ImportStatus.RUNNING, 3, 3)
    monkeypatch.setattr(services, "_process_batch", real_batch)
    services.import_run(job_id=job.pk)  # the redelivered message
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.processed, job.created, job.invalid) == (8, 7, 1)
    assert job.rows.get(linha=9).reasons == ["CPF repetido no arquivo (já está na linha 2)."]
