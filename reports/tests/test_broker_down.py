"""A large export requested while the broker is down: 202 now, generated when it is back.

The app's Celery producer is pointed at a port nothing listens on for the
request, then back at the real broker, where a real worker runs the beat
task that sends what could not be sent.
"""

import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.urls import reverse

from config.celery import app as celery_app
from reports import tasks
from reports.models import ExportJob
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _reset_producer_pools():
    # kombu keeps one pool per broker URL: forget ours, the next publish
    # looks up (or creates) the pool of the URL configured then.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url):
    """Make this process's Celery producer publish to ``url``."""
    _reset_producer_pools()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        _reset_producer_pools()
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL


@pytest.fixture
def large_export_setup(analista, export_settings, real_broker):
    make_clientes(50)
    export_settings(export_sync_row_limit=10)  # 50 rows: a background export


def test_broker_down_answers_202_and_the_job_starts_when_it_is_back(
    client, analista, large_export_setup, workers
):
    client.force_login(analista)
    with broker_at(DEAD_BROKER):
        started = time.monotonic()
        api = client.post(
            "/api/v1/clients/export?format=csv", {"uf": "SP"}, content_type="application/json"
        )
        screen = client.post(
            reverse("reports:export_create"),
            {"uf": "GO", "exp-format": "pdf", "exp-fields": ["cpf", "nome_completo"]},
            HTTP_HX_REQUEST="true",
        )
        elapsed = time.monotonic() - started
    assert api.status_code == 202, api.content
    assert screen.status_code == 200 and "Na fila" in screen.content.decode()
    assert elapsed < 10  # no hanging on the dead broker
    jobs = list(ExportJob.objects.filter(owner=analista))
    assert len(jobs) == 2
    assert all(job.status == "pending" and job.enqueued_at is None for job in jobs)

    # The broker is back: beat's dispatch task, run by a real worker, sends them.
    worker = workers()
    tasks.export_dispatch_task.delay()
    deadline = time.monotonic() + 120
    while any(not job.is_finished for job in jobs):
        assert time.monotonic() < deadline, worker.log.read_text()
        time.sleep(0.3)
        for job in jobs:
            job.refresh_from_db()
    assert all(job.status == "done" and job.file and job.enqueued_at for job in jobs)
    assert all(16 <= job.row_count <= 17 for job in jobs)  # a third of 50 clients each


def test_dispatch_runs_from_beat_every_30_seconds():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-dispatch-unqueued"]
    assert entry["task"] == tasks.export_dispatch_task.name
    assert entry["schedule"] == 30.0
