"""Celery worker and beat keep Django's LOGGING: masked CPFs, request id, JSON (#13 §1).

Real processes (``celery -A config worker`` / ``beat``) on the test database
and broker, with the JSON log format production uses.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from common.tests.processes import database_url_of_this_run
from config.celery import app as celery_app
from reports.tests.conftest import Worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
CPF = "52998224725"


def _wait_for_text(log: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text(errors="replace")
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never logged:\n{log.read_text(errors='replace')}")


def _json_records(content: str) -> list[dict]:
    """Return the log records: every line that is a JSON object."""
    records = []
    for line in content.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def test_worker_masks_cpfs_and_logs_json_with_request_id(tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    worker = Worker(tmp_path / "worker.log")
    try:
        _wait_for_text(worker.log, "ready", 60)
        # A message the worker cannot run: it logs the whole body, CPFs included.
        celery_app.send_task("privacy.test.unregistered", args=["529.982.247-25", CPF])
        content = _wait_for_text(worker.log, "privacy.test.unregistered", 60)
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert CPF not in content and "529.982.247-25" not in content
    records = _json_records(content)
    unregistered = [r for r in records if "privacy.test.unregistered" in r["message"]]
    assert unregistered, content
    assert "***.982.247-**" in unregistered[0]["message"]
    assert all("request_id" in r for r in records)


def test_beat_logs_json(tmp_path, monkeypatch):
    log = tmp_path / "beat.log"
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DATABASE_URL": database_url_of_this_run(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
         "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        content = _wait_for_text(log, "beat: Starting", 60)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # beat has nothing to finish here
        process.wait(15)
    starting = [r for r in _json_records(content) if "beat: Starting" in r["message"]]
    assert starting and "request_id" in starting[0], content
