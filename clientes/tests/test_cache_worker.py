"""The reconciliation task through a real Celery worker process (not eager)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clientes.cache.profiles import profile_key
from clientes.models import ConsistencyCheck
from clientes.selectors import cliente_get
from clientes.tasks import cache_reconcile
from clientes.tests.cache_helpers import make_cliente
from config.celery import app
from devstack.embedded import EmbeddedRedis, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    """A Celery worker on its own broker, using this test's database and cache."""
    broker = EmbeddedRedis(tmp_path / "broker", free_port())
    broker.start()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "WARNING",
         "-c", "1", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.update(broker_url=broker.url(0), task_always_eager=False)
    yield
    app.conf.update(broker_url=previous[0], task_always_eager=previous[1])
    process.terminate()
    process.wait(15)
    broker.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_reconciles_drift_injected_into_redis(worker):
    from django_redis import get_redis_connection

    from common.cache import store

    cliente = make_cliente()
    cliente_get(user=None, id_cliente=cliente.pk)
    conn = get_redis_connection("default")
    key = profile_key(cliente.pk)
    stamp, soft, _value = store.unpack(key, conn.get(key))
    conn.set(key, store.pack(key, stamp, soft, None), ex=600)  # "not found"

    with app.connection_for_write() as broker:
        cache_reconcile.apply_async(connection=broker)
    deadline = time.monotonic() + 60
    while not ConsistencyCheck.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    connection.close()

    check = ConsistencyCheck.objects.get()
    assert (check.checked, check.stale, check.repaired, check.alert) == (1, 1, 1, True)
    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "João da Silva"
