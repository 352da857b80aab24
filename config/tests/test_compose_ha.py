"""docker-compose.yml's ``ha`` profile, checked without a container engine.

No Docker runs here, so the profile is parsed: every service of the topology is
there with its healthcheck and start order, the app nodes carry the settings
that make them use the replica and the sentinels (and the settings module,
loaded with exactly that environment, agrees), Prometheus scrapes every node
and exporter, and the nginx config that fronts both nodes is run by a real
nginx: with one node dead, requests still succeed.
"""

import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from devstack.embedded import free_port
from devstack.nginx import Nginx, self_signed_cert

ROOT = Path(__file__).resolve().parents[2]
WEB_NODES = ("ha-web-1", "ha-web-2")
SENTINELS = ("ha-sentinel-1", "ha-sentinel-2", "ha-sentinel-3")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _ha_services() -> dict:
    return {
        name: svc for name, svc in _compose()["services"].items() if "ha" in svc.get("profiles", [])
    }


def _interpolate(value: str) -> str:
    """Compose's ``${VAR:?msg}`` / ``${VAR:-default}`` with test values."""

    def sub(match):
        name, _op, default = match.group(1), match.group(2), match.group(3)
        return {"SECRET_KEY": "s" * 64, "JWT_SIGNING_KEY": "j" * 64}.get(
            name, default if default is not None and _op == ":-" else f"{name.lower()}0123"
        )

    return re.sub(r"\$\{([A-Z_]+)(?:(:[?-])([^}]*))?\}", sub, value).replace("$$", "$")


def test_ha_profile_has_the_whole_topology_with_healthchecks():
    services = _ha_services()
    needed = {
        "ha-postgres", "ha-postgres-replica", "ha-redis-1", "ha-redis-2", *SENTINELS,
        "ha-migrate", *WEB_NODES, "ha-worker", "ha-worker-exports", "ha-beat", "ha-nginx",
        "ha-postgres-exporter", "ha-postgres-replica-exporter", "ha-redis-exporter",
        "ha-prometheus", "ha-grafana",
    }  # fmt: skip
    assert needed <= set(services)
    long_running = needed - {
        "ha-migrate", "ha-postgres-exporter", "ha-postgres-replica-exporter",
        "ha-redis-exporter", "ha-prometheus", "ha-grafana",
    }  # fmt: skip
    for name in long_running:
        assert services[name].get("healthcheck", {}).get("test"), name
    # The single-node services stay out of the profile (they would start twice).
    assert not {"web", "worker", "beat", "nginx"} & set(services)


def test_ha_start_order_waits_for_healthy_dependencies():
    services = _ha_services()

    def waits_for(name, dependency, condition="service_healthy"):
        return services[name]["depends_on"][dependency]["condition"] == condition

    assert waits_for("ha-postgres-replica", "ha-postgres")
    assert waits_for("ha-redis-2", "ha-redis-1")
    for sentinel in SENTINELS:
        assert waits_for(sentinel, "ha-redis-1")
    for app in (*WEB_NODES, "ha-worker", "ha-worker-exports", "ha-beat"):
        assert waits_for(app, "ha-migrate", "service_completed_successfully")
        assert waits_for(app, "ha-postgres-replica")
        for sentinel in SENTINELS:
            assert waits_for(app, sentinel)
    for node in WEB_NODES:
        assert waits_for("ha-nginx", node)


def test_app_nodes_read_from_the_replica_and_follow_the_sentinels():
    services = _ha_services()
    sentinel_script = (ROOT / "deploy" / "redis" / "ha-sentinel.sh").read_text()
    monitored = re.search(r"sentinel monitor (\S+) (\S+) 6379 2", sentinel_script)
    for name in (*WEB_NODES, "ha-worker", "ha-worker-exports", "ha-beat", "ha-migrate"):
        env = services[name]["environment"]
        primary = env["DATABASE_URL"].rsplit("@", 1)[1]
        replicas = env["DATABASE_REPLICA_URLS"].split(",")
        assert primary == "ha-postgres:5432/gestao_clientes"
        replica_hosts = [r.rsplit("@", 1)[1] for r in replicas]
        assert replica_hosts == ["ha-postgres-replica:5432/gestao_clientes"]
        sentinels = env["REDIS_SENTINELS"].split(",")
        assert sentinels == [f"{s}:26379" for s in SENTINELS]
        assert all(s.split(":")[0] in services for s in sentinels)
        assert env["REDIS_SENTINEL_MASTER"] == monitored.group(1)
        assert monitored.group(2) == "ha-redis-1"
        # The broker must follow the sentinels too: no fixed broker address.
        assert "CELERY_BROKER_URL" not in env
    nginx_ip = services["ha-nginx"]["networks"]["default"]["ipv4_address"]
    prometheus_ip = services["ha-prometheus"]["networks"]["default"]["ipv4_address"]
    web_env = services["ha-web-1"]["environment"]
    assert web_env["TRUSTED_PROXIES"] == "${HA_TRUSTED_PROXIES:-" + nginx_ip + "}"
    assert web_env["METRICS_ALLOWED_NETWORKS"] == prometheus_ip


def test_settings_loaded_with_a_web_node_environment_use_replica_and_sentinels():
    """The settings module itself, run with ha-web-1's interpolated environment."""
    env = {k: _interpolate(str(v)) for k, v in _ha_services()["ha-web-1"]["environment"].items()}
    probe = (
        "import json, django; from django.conf import settings as s; "
        "print(json.dumps({'replicas': [k for k in s.DATABASES if k != 'default'], "
        "'replica_host': s.DATABASES['replica_0']['HOST'], "
        "'cache': s.CACHES['default']['LOCATION'], "
        "'factory': s.CACHES['default']['OPTIONS'].get('CONNECTION_FACTORY'), "
        "'sentinels': s.REDIS_SENTINELS, 'broker': s.CELERY_BROKER_URL, "
        "'broker_options': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
    )
    keep = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    out = subprocess.run(  # noqa: S603 - our interpreter, our settings
        [sys.executable, "-c", probe],
        env={**keep, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["replicas"] == ["replica_0"]
    assert loaded["replica_host"] == "ha-postgres-replica"
    assert loaded["factory"] == "django_redis.pool.SentinelConnectionFactory"
    assert loaded["cache"].endswith("@gestao/0")
    assert loaded["sentinels"] == [[s, 26379] for s in SENTINELS]
    # Broker: every sentinel, the cache's database + 1, the monitored master.
    assert loaded["broker"].count("sentinel://") == 3
    assert all(part.endswith("/1") for part in loaded["broker"].split(";"))
    assert loaded["broker_options"] == {"master_name": "gestao"}


def test_ha_workers_split_the_queues_and_beat_runs_once():
    services = _ha_services()
    worker_queues = {}
    beats = []
    for name, svc in services.items():
        command = svc.get("command") or []
        if command[:4] == ["celery", "-A", "config", "worker"]:
            worker_queues[name] = command[command.index("-Q") + 1]
        if command[:4] == ["celery", "-A", "config", "beat"]:
            beats.append(name)
    assert worker_queues == {"ha-worker": "celery", "ha-worker-exports": "exports"}
    assert beats == ["ha-beat"]
    assert services["ha-beat"]["deploy"]["replicas"] == 1


def test_replication_and_monitoring_credentials_come_from_env_only():
    services = _ha_services()
    init = (ROOT / "deploy" / "postgres" / "ha-primary-init.sh").read_text()
    assert "REPLICATION LOGIN PASSWORD :'replication_password'" in init
    assert "GRANT pg_monitor TO monitoring" in init
    assert "host replication replicator all scram-sha-256" in init
    primary = services["ha-postgres"]
    assert (
        "./deploy/postgres/ha-primary-init.sh:/docker-entrypoint-initdb.d/10-ha-roles.sh:ro"
        in primary["volumes"]
    )
    for name in ("ha-redis-1", "ha-redis-2", *SENTINELS):
        script = services[name]["command"][1]
        mounted = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert (ROOT / mounted[script]).exists(), name
    redis_script = (ROOT / "deploy" / "redis" / "ha-redis.sh").read_text()
    assert "user default off" in redis_script
    assert "user gestao on >$REDIS_PASSWORD ~* &* +@all -@admin" in redis_script
    # No password is written into the compose file itself.
    text = (ROOT / "docker-compose.yml").read_text()
    assert not re.search(r"PASSWORD: [\"']?[A-Za-z0-9]", text)


def test_prometheus_scrapes_every_node_and_exporter_of_the_profile():
    services = _ha_services()
    prometheus = services["ha-prometheus"]
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus-ha.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    web_targets = jobs["gestao-web"]["static_configs"][0]["targets"]
    assert sorted(t.split(":")[0] for t in web_targets) == sorted(WEB_NODES)
    allowed = services["ha-web-1"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert set(WEB_NODES) <= set(allowed)
    for target in jobs["postgres"]["static_configs"][0]["targets"]:
        host, port = target.split(":")
        assert services[host]["image"].startswith("quay.io/prometheuscommunity/postgres-exporter")
        assert services[host]["expose"] == [port]
    redis_targets = jobs["redis"]["static_configs"][0]["targets"]
    assert sorted(t.split("//")[1].split(":")[0] for t in redis_targets) == sorted(
        ["ha-redis-1", "ha-redis-2", *SENTINELS]
    )
    exporter = jobs["redis"]["relabel_configs"][-1]["replacement"].split(":")[0]
    assert services[exporter]["image"].startswith("oliver006/redis_exporter")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in prometheus["volumes"] if v.startswith(".")}
    assert mounts["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus-ha.yml"
    for rule_file in config["rule_files"]:
        assert (ROOT / mounts[rule_file]).exists()
    datasource = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/ha-datasources/prometheus.yml").read_text()
    )
    assert datasource["datasources"][0]["url"] == "http://ha-prometheus:9090"


class _Node(BaseHTTPRequestHandler):
    """A stand-in web node: answers which node it is."""

    def do_GET(self):
        body = self.server.node_name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _start_node(name: str):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Node)
    server.node_name = name
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.slow
def test_ha_nginx_spreads_requests_and_survives_a_dead_node(tmp_path):
    """The repository's template with ha-nginx's upstream, on a real nginx."""
    upstream = _ha_services()["ha-nginx"]["environment"]["GC_UPSTREAM"]
    nodes = {name: _start_node(name) for name in WEB_NODES}
    for name, server in nodes.items():
        upstream = upstream.replace(f"{name}:8000", f"127.0.0.1:{server.server_address[1]}")
    assert "ha-web" not in upstream
    certs = self_signed_cert(tmp_path / "certs", days=1)
    https_port = free_port()
    context = ssl.create_default_context(cafile=str(certs / "fullchain.pem"))

    def get() -> tuple[int, str]:
        conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=context, timeout=5)
        conn.request("GET", "/clientes/", headers={"Host": "localhost"})
        response = conn.getresponse()
        result = response.status, response.read().decode()
        conn.close()
        return result

    with Nginx(
        tmp_path / "nginx", upstream=upstream, static_root=ROOT / "static", cert_dir=certs,
        http_port=free_port(), https_port=https_port,
    ):  # fmt: skip
        answered = [get() for _ in range(10)]
        assert {status for status, _ in answered} == {200}
        assert {node for _, node in answered} == set(WEB_NODES)  # round robin
        nodes["ha-web-1"].shutdown()
        nodes["ha-web-1"].server_close()
        after = [get() for _ in range(10)]
        # Every request answered by the live node: the dead one is retried
        # past (proxy_next_upstream) and then left out (max_fails).
        assert after == [(200, "ha-web-2")] * 10
    nodes["ha-web-2"].shutdown()
    nodes["ha-web-2"].server_close()
