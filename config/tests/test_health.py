"""/health/ without a Celery worker (see test_health_worker.py for one with)."""

import time

import pytest
from django.db import connections

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_health_is_degraded_without_a_worker(client):
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


@pytest.mark.django_db
def test_health_is_degraded_without_the_broker_and_skips_the_worker_ping(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    started = time.monotonic()
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False
    # No hanging in broker reconnection loops: a load balancer is waiting.
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_health_is_down_without_the_database(client, monkeypatch):
    # The probe opens its own connection; point it at a port nothing listens on.
    monkeypatch.setitem(connections.settings["default"], "PORT", "1")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
