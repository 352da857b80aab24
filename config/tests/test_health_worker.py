"""/health/deep/ with a real Celery worker answering pings."""

import os
import signal
import subprocess
import sys
import time

import pytest

from config.celery import app as celery_app
from devstack.services import ROOT

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="module")
def celery_worker():
    """Run a real Celery worker on the test broker until the module ends."""
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"}
    proc = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
            "-n", f"healthtest-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
            "-l", "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not celery_app.control.ping(timeout=0.5, limit=1):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the Celery worker did not start")
    yield proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)


@pytest.mark.slow
@pytest.mark.django_db
def test_health_is_ok_with_database_cache_broker_and_a_worker(deep_health, celery_worker):
    response = deep_health()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_health_is_degraded_without_redis_cache(deep_health, settings, celery_worker):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    response = deep_health()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["worker"]["ok"]
