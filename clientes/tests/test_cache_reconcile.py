"""Reconciliation: drift injected straight into Redis is found, repaired and alerted."""

import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_redis import get_redis_connection

from clientes.cache.profiles import cpf_key, profile_key
from clientes.cache.reconcile import reconcile
from clientes.models import ConsistencyCheck
from clientes.selectors import cliente_get, cliente_get_by_cpf
from clientes.tasks import cache_reconcile
from clientes.tests.cache_helpers import make_cliente
from common.cache import metrics, store

CPFS = ["52998224725", "11144477735", "39053344705", "86288366757", "71428793860"]


@pytest.fixture(autouse=True)
def _fresh_cache_state():
    store.reset_state()
    metrics.reset()


@pytest.fixture
def cached_clients(transactional_db):
    clientes = [make_cliente(cpf=cpf, nome=f"Cliente {i}") for i, cpf in enumerate(CPFS)]
    for cliente in clientes:
        cliente_get_by_cpf(user=None, cpf=cliente.cpf)  # pointer + profile
    return clientes


def _rewrite(entry_key, change):
    """Overwrite an entry in Redis keeping its stamp: drift nobody invalidated."""
    conn = get_redis_connection("default")
    stamp, soft, value = store.unpack(entry_key, conn.get(entry_key))
    conn.set(entry_key, store.pack(entry_key, stamp, soft, change(value)), ex=600)


def _renamed(value):
    row, *rest = value
    return ((*row[:2], "Nome Divergente", *row[3:]), *rest)


def _drift(clientes):
    _rewrite(profile_key(clientes[0].pk), _renamed)
    _rewrite(profile_key(clientes[1].pk), lambda value: None)  # "not found"
    _rewrite(cpf_key(clientes[2].cpf), lambda value: clientes[3].pk)  # wrong client
    _rewrite(cpf_key(clientes[4].cpf), lambda value: None)


def test_reconciliation_finds_and_repairs_every_drift_and_alerts(cached_clients, caplog):
    _drift(cached_clients)
    assert cliente_get(user=None, id_cliente=cached_clients[0].pk).nome_completo == (
        "Nome Divergente"
    )

    with caplog.at_level(logging.ERROR, logger="clientes.cache"):
        report = reconcile(recheck_seconds=0)

    assert (report.checked, report.stale, report.repaired) == (10, 4, 4)
    assert report.ratio == pytest.approx(0.6)
    assert report.alert
    assert "below the 99.9% target" in caplog.text
    assert metrics.snapshot()["counters"]["consistency_alert"] == 1
    assert metrics.snapshot()["gauges"]["consistency_ratio"] == pytest.approx(0.6)
    check = ConsistencyCheck.objects.get()
    assert (check.checked, check.stale, check.repaired, check.alert) == (10, 4, 4, True)

    for cliente in cached_clients:
        assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == (
            cliente.nome_completo
        )
    again = reconcile(recheck_seconds=0)
    assert (again.checked, again.stale, again.alert) == (10, 0, False)


def test_consistent_cache_raises_no_alert(cached_clients):
    report = reconcile(recheck_seconds=0)
    assert (report.checked, report.stale, report.ratio, report.alert) == (10, 0, 1.0, False)


def test_command_prints_the_figures(cached_clients, capsys):
    _drift(cached_clients)
    call_command("cache_reconcile")
    out = capsys.readouterr().out
    assert "checked 10  stale 4  repaired 4  consistency 60.0000%" in out
    assert "ALERT" in out


def test_celery_task_runs_the_reconciliation(cached_clients):
    _rewrite(profile_key(cached_clients[0].pk), _renamed)
    figures = cache_reconcile.delay().get()
    assert figures["stale"] == 1 and figures["repaired"] == 1


def test_beat_runs_it_every_five_minutes_by_default(db):
    task = PeriodicTask.objects.get(task="clientes.tasks.cache_reconcile")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")


def test_administrator_sees_the_alert_until_acknowledged(cached_clients, admin_client_):
    _drift(cached_clients)
    reconcile(recheck_seconds=0)

    page = admin_client_.get(reverse("home")).content.decode()
    assert "Consistência do cache abaixo da meta" in page
    assert "4 de 10 clientes" in page

    response = admin_client_.post(reverse("clientes:cache_alert_ack"))
    assert response.status_code == 302
    assert ConsistencyCheck.objects.get().acknowledged_by is not None
    page = admin_client_.get(reverse("home")).content.decode()
    assert "Consistência do cache abaixo da meta" not in page
    assert "Alerta de consistência do cache reconhecido." in page


def test_only_administrators_see_or_acknowledge_the_alert(cached_clients, analista_client, client):
    _drift(cached_clients)
    reconcile(recheck_seconds=0)
    url = reverse("clientes:cache_alert_ack")

    assert "Consistência do cache" not in analista_client.get(reverse("home")).content.decode()
    assert analista_client.post(url).status_code == 403
    client.logout()
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/conta/" in anonymous["Location"]
    assert ConsistencyCheck.objects.get().acknowledged_at is None


def test_acknowledging_needs_a_post(admin_client_):
    assert admin_client_.get(reverse("clientes:cache_alert_ack")).status_code == 405
