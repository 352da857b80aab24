"""A real Celery worker killed with SIGKILL mid-export never leaves a job stuck.

These tests start ``celery -A config worker`` as a separate process on the
test database and the test broker, then kill it while it writes a PDF.
"""

import re
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from clientes.tasks import cache_reconcile
from reports import services
from reports.columns import COLUMNS
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROWS = 12_000


@pytest.fixture
def big_export(analista, export_settings, real_broker):
    """Queue a PDF of ROWS clients with every column (several seconds of work)."""
    make_clientes(ROWS)
    export_settings(export_sync_row_limit=0)
    result = services.export_request(user=analista, params={}, fmt="pdf", fields=list(COLUMNS))
    assert not result.inline
    return result.job


def _wait_for(job, condition, timeout, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job stuck as {job.status} ({job.progress}%):\n{log.read_text()}")


def _running_midway(job):
    return job.status == "running" and 10 <= services.export_progress(job) < 90


def _assert_complete_file(job):
    assert job.status == "done" and job.row_count == ROWS
    reader = PdfReader(job.file.path)
    last_page = reader.pages[-1].extract_text()
    assert re.search(rf"Página {len(reader.pages)} de\s*{len(reader.pages)}\b", last_page)
    assert re.search(r"registros:\s*12\.000\b", reader.pages[0].extract_text())
    assert not list((Path(settings.MEDIA_ROOT) / services.PART_DIR).glob("*.part"))


def test_killed_pool_process_is_retried_and_the_file_is_complete(big_export, workers, client):
    worker = workers()
    job = _wait_for(big_export, _running_midway, 120, worker.log)
    worker.pool_child().send_signal(signal.SIGKILL)

    # Mid-crash nothing is offered for download.
    client.force_login(job.owner)
    assert client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 409

    # acks_late + reject_on_worker_lost: the message goes back to the queue and
    # the new pool process takes the job over from the start.
    job = _wait_for(job, lambda j: j.is_finished, 180, worker.log)
    _assert_complete_file(job)
    assert job.attempts == 2
    assert "WorkerLostError" in worker.log.read_text()


def test_killed_worker_is_recovered_by_housekeeping(big_export, workers):
    first = workers()
    job = _wait_for(big_export, _running_midway, 120, first.log)
    first.kill_all()
    job.refresh_from_db()
    assert job.status == "running" and not job.file

    # The dead worker's database session (and its advisory lock) goes away...
    deadline = time.monotonic() + 30
    while services._is_being_generated(job.pk):
        assert time.monotonic() < deadline, "the dead worker's lock was never released"
        time.sleep(0.2)
    # ...so the beat task sees an abandoned job and queues it again.
    assert services.export_recover_stale() == {"requeued": 1, "failed": 0}
    second = workers()
    job = _wait_for(job, lambda j: j.is_finished, 180, second.log)
    _assert_complete_file(job)
    assert job.attempts == 2


def test_queued_exports_never_delay_the_default_queue(
    analista, export_settings, real_broker, workers
):
    """Exports wait in their own queue; a default-queue worker runs reconciliation at once."""
    make_clientes(50)
    export_settings(export_sync_row_limit=0)
    jobs = [services.export_request(user=analista, params={}, fmt="pdf").job for _ in range(3)]
    worker = workers(queues="celery")  # as deployed: exports have workers of their own
    cache_reconcile.delay()
    done = re.compile(r"cache_reconcile\[[^\]]+\] succeeded")
    deadline = time.monotonic() + 90
    while not done.search(worker.log.read_text()):
        assert time.monotonic() < deadline, worker.log.read_text()
        time.sleep(0.2)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == "pending"  # still queued for the exports workers
