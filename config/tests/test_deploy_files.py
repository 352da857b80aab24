"""docker-compose cannot run here: keep it honest by parsing it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_with_healthchecks():
    services = _compose()["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert name in services, name
        assert "healthcheck" in services[name], name


def test_web_worker_and_beat_share_one_image_and_real_commands():
    services = _compose()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1
    assert services["web"]["command"][:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    assert (ROOT / "config" / "gunicorn.conf.py").exists()
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_cache_and_broker_use_separate_redis_databases():
    env = _compose()["services"]["worker"]["environment"]
    assert env["REDIS_URL"] != env["CELERY_BROKER_URL"]


def test_dockerfile_installs_only_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "requirements-dev.txt" not in dockerfile
