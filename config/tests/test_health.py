import pytest


@pytest.mark.django_db
def test_health_reports_database_and_cache(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_health_is_degraded_without_redis(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            # Nothing listens on port 1: the cache is unreachable.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
