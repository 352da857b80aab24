"""docker-compose cannot run here: keep it honest by parsing it."""

import re
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


def test_nginx_is_the_only_public_entry_and_renders_the_repository_config():
    services = _compose()["services"]
    public = {
        name
        for name, svc in services.items()
        if any(not str(port).startswith("127.0.0.1:") for port in svc.get("ports", []))
    }
    # One entry per topology: the single-node nginx, and the ha profile's.
    assert public == {"nginx", "ha-nginx"}
    nginx = services["nginx"]
    assert sorted(nginx["ports"]) == ["443:443", "80:80"]
    assert "./deploy/nginx/templates:/etc/nginx/templates:ro" in nginx["volumes"]
    assert (ROOT / "deploy" / "nginx" / "templates" / "gestao.conf.template").exists()
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    assert "healthcheck" in nginx


def test_every_template_variable_is_set_for_the_nginx_container():
    template = (ROOT / "deploy" / "nginx" / "templates" / "gestao.conf.template").read_text()
    needed = set(re.findall(r"\$\{(GC_[A-Z_]+)\}", template))
    env = _compose()["services"]["nginx"]["environment"]
    assert needed and needed <= set(env)
    # Only our variables are substituted: nginx's own $host etc. stay intact.
    assert env["NGINX_ENVSUBST_FILTER"] == "^GC_"


def test_the_app_trusts_forwarded_headers_only_from_the_nginx_address():
    compose = _compose()
    nginx_ip = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    trusted = compose["services"]["web"]["environment"]["TRUSTED_PROXIES"]
    assert trusted == "${TRUSTED_PROXIES:-" + nginx_ip + "}"


def test_prometheus_and_grafana_are_optional_and_wired_to_the_repository_files():
    compose = _compose()
    services = compose["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
    prometheus_ip = services["prometheus"]["networks"]["default"]["ipv4_address"]
    assert services["web"]["environment"]["METRICS_ALLOWED_NETWORKS"] == prometheus_ip
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    (job,) = scrape["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    target_host = job["static_configs"][0]["targets"][0].split(":")[0]
    assert target_host in services["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert (
        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro"
        in (services["grafana"]["volumes"])
    )


def test_healthchecks_use_a_host_the_app_accepts():
    services = _compose()["services"]
    allowed = services["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    for name in ("web", "nginx"):
        command = " ".join(services[name]["healthcheck"]["test"])
        assert "/health/" in command
        host = re.search(r"Host[\"']?:\s*[\"']?(\w+)", command).group(1)
        assert host in allowed, (name, host)


def test_every_celery_queue_has_a_compose_worker(settings):
    """A queue nobody consumes would leave its tasks (exports) waiting forever."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    consumed = set()
    for service in _compose()["services"].values():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "config", "worker"]:
            queues = command[command.index("-Q") + 1] if "-Q" in command else "celery"
            consumed |= set(queues.split(","))
    assert {"celery", *routed} <= consumed
