"""Redis down, slow or restarted: answers come from PostgreSQL, never stale ones.

Each test runs its own redis-server (never the shared one) and stops, pauses
(SIGSTOP: a Redis that hangs but keeps its data) or restarts it.
"""

import logging
import os
import signal
import time

import pytest
from django_redis import get_redis_connection

from clientes.cache.profiles import profile_key
from clientes.models import Cliente, MissedInvalidation
from clientes.selectors import cliente_get, cliente_get_by_cpf
from clientes.tests.cache_helpers import make_cliente
from common.cache import metrics, store
from devstack.embedded import EmbeddedRedis, free_port

RETRY_SECONDS = 0.5

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_redis(tmp_path, settings):
    server = EmbeddedRedis(tmp_path / "redis", free_port())
    server.start()
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "LOCATION": server.url(0)}}
    settings.CLIENTES_CACHE = {**settings.CLIENTES_CACHE, "RETRY_SECONDS": RETRY_SECONDS}
    store.reset_state()
    metrics.reset()
    yield server
    server.stop()
    store.reset_state()


def _wait_for_retry():
    time.sleep(RETRY_SECONDS + 0.1)


def test_stopped_redis_falls_back_to_postgresql_and_recovers(
    own_redis, client, analista, caplog, django_assert_num_queries, deep_health
):
    def analista_page(url):
        client.force_login(analista)
        response = client.get(url)
        client.logout()
        return response

    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    own_redis.stop()

    page = analista_page(cliente.get_absolute_url())  # the profile page still answers
    assert page.status_code == 200 and "João da Silva" in page.content.decode()

    with caplog.at_level(logging.WARNING, logger="clientes.cache"):
        assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == "João da Silva"
        cliente.nome_completo = "Alterado com o Redis fora"
        cliente.save()  # the invalidation cannot be sent: it is recorded
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == (
            "Alterado com o Redis fora"
        )
    assert "Redis unavailable" in caplog.text
    assert "served from PostgreSQL" in caplog.text
    assert MissedInvalidation.objects.count() == 1
    assert deep_health().json()["status"] == "degraded"
    # The page (its permission check and profile), the CPF pointer, the profile x2.
    assert metrics.snapshot()["counters"]["degraded_read"] == 5

    own_redis.start()
    _wait_for_retry()
    assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == (
        "Alterado com o Redis fora"
    )
    with django_assert_num_queries(0):  # caching resumed on its own
        assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == (
            "Alterado com o Redis fora"
        )
    # The cache probe recovers; the overall status stays "degraded" here only
    # because unit tests run no Celery worker (see config/health.py).
    assert deep_health().json()["checks"]["cache"]["ok"] is True


def test_invalidation_missed_while_redis_hung_is_not_served_when_it_returns(
    own_redis, caplog, django_assert_num_queries
):
    cliente = make_cliente()
    cliente_get(user=None, id_cliente=cliente.pk)
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    conn = get_redis_connection("default")
    old_entry = conn.get(profile_key(cliente.pk))

    os.kill(own_redis.process.pid, signal.SIGSTOP)  # hangs, keeps every entry
    try:
        # Times out after the short socket timeout and answers from PostgreSQL...
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "João da Silva"
        cliente.nome_completo = "Escrito durante o travamento"
        cliente.save()  # ...so this invalidation never reaches Redis
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    _wait_for_retry()

    assert conn.get(profile_key(cliente.pk)) == old_entry, "the old entry is still in Redis"
    with caplog.at_level(logging.WARNING, logger="clientes.cache"):
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == (
            "Escrito durante o travamento"
        )
    assert "epoch bumped" in caplog.text
    assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == (
        "Escrito durante o travamento"
    )
    with django_assert_num_queries(0):
        cliente_get(user=None, id_cliente=cliente.pk)


def test_other_processes_drop_missed_entries_at_reconciliation(own_redis):
    cliente = make_cliente()
    cliente_get(user=None, id_cliente=cliente.pk)
    # Another process wrote while Redis was unreachable *for it*, and recorded it;
    # this process never saw Redis fail, so only reconciliation tells it.
    Cliente.objects.filter(pk=cliente.pk).update(nome_completo="Outro processo")  # no signal
    store.record_missed_invalidation(ids=[cliente.pk])
    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "João da Silva"

    from clientes.cache.reconcile import reconcile

    report = reconcile(recheck_seconds=0)
    assert metrics.snapshot()["counters"]["epoch_bump"] == 1
    assert report.checked == 0  # the bumped epoch left nothing servable to compare
    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "Outro processo"
