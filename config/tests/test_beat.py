"""Celery beat's container healthcheck, run against a real beat process."""

import os
import subprocess
import sys
import time

import pytest
import yaml

from common.tests.processes import database_url_of_this_run
from config.celery import app as celery_app
from devstack.services import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _healthcheck(heartbeat) -> int:
    """Run compose's beat healthcheck with its file moved to ``heartbeat``."""
    test = COMPOSE["services"]["beat"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    path = COMPOSE["x-app"]["environment"]["CELERY_BEAT_HEARTBEAT_FILE"]
    assert path in test[3]
    code = test[3].replace(path, str(heartbeat))
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode  # noqa: S603


@pytest.mark.slow
def test_beat_healthcheck_follows_a_real_beat_process(transactional_db, tmp_path):
    heartbeat = tmp_path / "celerybeat-heartbeat"
    assert _healthcheck(heartbeat) != 0  # beat not started yet
    command = COMPOSE["services"]["beat"]["command"]
    assert command[:4] == ["celery", "-A", "config", "beat"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_run(),
        "CELERY_BEAT_HEARTBEAT_FILE": str(heartbeat),
    }
    beat = subprocess.Popen(  # noqa: S603 - compose's own command line
        [sys.executable, "-m", *command, "--pidfile=", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _healthcheck(heartbeat) != 0:
            assert beat.poll() is None, "celery beat exited"
            assert time.monotonic() < deadline, "beat never wrote its heartbeat"
            time.sleep(0.5)
        first = heartbeat.stat().st_mtime
        deadline = time.monotonic() + 30
        while heartbeat.stat().st_mtime == first:  # it keeps beating
            assert time.monotonic() < deadline, "the heartbeat is not refreshed"
            time.sleep(0.5)
    finally:
        beat.terminate()
        beat.wait(15)
        celery_app.control.purge()  # the tasks beat found due
    stale = time.time() - 120
    os.utime(heartbeat, (stale, stale))  # two minutes without a tick
    assert _healthcheck(heartbeat) != 0
