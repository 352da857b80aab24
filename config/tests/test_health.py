"""/health/ (public liveness) and /health/deep/ without a Celery worker.

See test_health_worker.py for the deep check with a worker.
"""

import time

import pytest
from django.db import connections

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_public_liveness_touches_no_backend(client, settings, monkeypatch):
    # Every backend unreachable: the process still answers that it is alive,
    # at once, and reveals nothing about them.
    settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": DEAD_REDIS}
    }
    monkeypatch.setitem(connections.settings["default"], "PORT", "1")
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 0.5
    assert response.status_code == 200
    assert set(response.json()) == {"status", "version"}
    assert response.json()["status"] == "alive"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": "Basic x"}],
)
def test_deep_check_is_refused_to_the_public(client, settings, headers):
    settings.METRICS_TOKEN = "the-real-token"
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    response = client.get("/health/deep/", **headers)
    assert response.status_code == 403
    assert "negado" in response.content.decode()
    assert "checks" not in response.content.decode()


@pytest.mark.django_db
def test_deep_check_answers_the_monitoring_network(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the test client's address
    body = client.get("/health/deep/").json()
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}


@pytest.mark.django_db
def test_deep_check_probes_at_most_once_per_interval(deep_health, settings):
    settings.HEALTH_DEEP_MIN_INTERVAL = 60
    first = deep_health().json()
    settings.CELERY_BROKER_URL = DEAD_REDIS  # would change the verdict if probed
    started = time.monotonic()
    again = [deep_health().json() for _ in range(20)]
    # Twenty calls cost nothing: no broker ping, no 1 s worker broadcast.
    assert time.monotonic() - started < 1
    assert first["cached"] is False
    assert all(body["cached"] and body["checked_at"] == first["checked_at"] for body in again)
    assert all(body["checks"]["broker"]["ok"] for body in again)


@pytest.mark.django_db
def test_health_is_degraded_without_a_worker(deep_health):
    body = deep_health().json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


@pytest.mark.django_db
def test_health_is_degraded_without_the_broker_and_skips_the_worker_ping(deep_health, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    started = time.monotonic()
    body = deep_health().json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False
    # No hanging in broker reconnection loops: a load balancer is waiting.
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_health_is_down_without_the_database(deep_health, monkeypatch):
    # The probe opens its own connection; point it at a port nothing listens on.
    monkeypatch.setitem(connections.settings["default"], "PORT", "1")
    response = deep_health()
    assert response.status_code == 503
    assert response.json()["status"] == "down"
