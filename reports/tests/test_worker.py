"""A real Celery worker killed with SIGKILL mid-export never leaves a job stuck.

These tests start ``celery -A config worker`` as a separate process on the
test database and the test broker, then kill it while it writes a PDF.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from pypdf import PdfReader

from config.celery import app as celery_app
from reports import services
from reports.columns import COLUMNS
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ROWS = 12_000


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    """A ``celery worker`` process of its own session, on the test database."""

    def __init__(self, log: Path):
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),  # the test database, test_<name>
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DB_CONN_MAX_AGE": "0",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"exports-test-{os.getpid()}-{time.time_ns()}@%h",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command,
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_child(self) -> psutil.Process:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = psutil.Process(self.process.pid).children()
            if children:
                return children[0]
            time.sleep(0.1)
        raise AssertionError("the worker started no pool process:\n" + self.log.read_text())

    def kill_all(self) -> None:
        """SIGKILL the worker and its pool: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill_all()


@pytest.fixture
def real_broker(settings):
    """Send tasks to the broker (Redis) instead of running them in this process."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def workers(tmp_path):
    started = []

    def start() -> Worker:
        worker = Worker(tmp_path / f"worker{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


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
    assert "Página" in last_page and f"{ROWS:,}".replace(",", ".") in reader.pages[0].extract_text()
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
