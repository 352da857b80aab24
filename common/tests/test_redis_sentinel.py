"""Redis Sentinel: the cache and the broker follow a failover of the Redis master.

A master, a replica and three sentinels run as real ``redis-server`` processes.
A Django process searches and opens a profile in a loop while the test kills
the master: no request fails (the cache falls back to PostgreSQL for the
seconds of the failover), the cache is used again through the promoted
replica with a new epoch (it may lack the last invalidations the old master
acknowledged), and an export queued after the failover is done by a real
worker that reaches the broker through the sentinels.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accounts.system_settings import settings_row
from clientes.tests.cache_helpers import make_cliente
from common.tests.processes import database_url_of_this_run
from common.tests.redis_ha import MASTER_NAME, SentinelCluster

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 25.0


@pytest.fixture
def sentinels(tmp_path):
    cluster = SentinelCluster(tmp_path / "redis").start()
    yield cluster
    cluster.stop()


def _env(cluster: SentinelCluster, tmp_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "REDIS_URL")
    }
    return {
        **env,
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": "redis://127.0.0.1/0",  # credentials and database only
        "REDIS_SENTINELS": cluster.sentinel_list,
        "REDIS_SENTINEL_MASTER": MASTER_NAME,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_RETRY_SECONDS": "0.5",
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DB_CONN_MAX_AGE": "0",
        "METRICS_TOKEN": "t" * 40,
        # The loop below makes ~25 API calls a second; the per-user rate limit
        # is not what this test is about, so a fast machine must not meet it.
        "THROTTLE_USER_RATE": "100000/min",
    }


def test_searches_and_exports_survive_a_master_failover(tmp_path, sentinels, analista):
    cliente = make_cliente(nome="Rosa Sentinela Prado")
    row = settings_row()
    row.export_sync_row_limit = 0  # every export goes through the broker
    row.save()
    env = _env(sentinels, tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery,exports",
         "--pool=solo", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=(tmp_path / "worker.log").open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    ready = tmp_path / "ready"
    scenario = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "common.tests.failover_scenario", analista.email,
         str(cliente.pk), str(SECONDS), str(ready)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=(tmp_path / "scenario.log").open("wb"),
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert scenario.poll() is None, (tmp_path / "scenario.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the scenario never answered a request"
            time.sleep(0.2)
        time.sleep(3)
        old_master = sentinels.master.port
        killed_at = time.time()
        sentinels.master.kill()
        output, _ = scenario.communicate(timeout=240)
    finally:
        scenario.kill()
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    assert scenario.returncode == 0, (tmp_path / "scenario.log").read_text()[-3000:]
    seen = json.loads(output.strip().splitlines()[-1])

    assert sentinels.master_port() != old_master  # the replica was promoted
    statuses = {status for r in seen["requests"] for status in r["statuses"]}
    assert statuses == {200}  # not one error, during or after the failover
    before = [r for r in seen["requests"] if r["at"] < killed_at]
    late = [r for r in seen["requests"] if r["at"] > killed_at + 10]
    assert before and late
    assert late[-1]["hits"] > late[0]["hits"]  # the cache serves again, through the new master
    assert seen["counters"].get("epoch_bump", 0) >= 1, seen["counters"]
    assert seen["export_status"] == 202 and seen["export_job"] == "done"
    assert seen["broker_answers"]
    assert seen["health"]["checks"]["broker"]["ok"]  # reached through the sentinels
