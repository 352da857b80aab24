"""Two Celery beats on one database: one sends the periodic tasks, the other stands by."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from common.tests.processes import database_url_of_this_run
from config.celery import app as celery_app

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASK = "every-second-probe"


def _beat(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_run(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDIS_URL": settings.REDIS_URL,
        "DB_CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
         "--max-interval", "1"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _sends(log: Path) -> int:
    return log.read_text(errors="replace").count(f"Sending due task {TASK}")


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def test_a_second_beat_stands_by_and_takes_over_when_the_first_dies(tmp_path):
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name=TASK, task="monitoring.tasks.aggregate_usage", interval=every_second
    )
    first_log, second_log = tmp_path / "beat1.log", tmp_path / "beat2.log"
    first = _beat(first_log)
    second = None
    try:
        _wait_for(lambda: _sends(first_log) >= 2, 90, "the first beat to send")
        second = _beat(second_log)
        _wait_for(
            lambda: "standing by" in second_log.read_text(errors="replace"),
            90,
            "the second beat to stand by",
        )
        sent_by_first = _sends(first_log)
        time.sleep(4)
        assert _sends(first_log) > sent_by_first  # the holder keeps sending
        assert _sends(second_log) == 0  # the standby sent nothing

        _kill(first)  # its connection ends, and the lock with it
        _wait_for(lambda: _sends(second_log) >= 1, 60, "the standby to take over")
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
        celery_app.control.purge()
