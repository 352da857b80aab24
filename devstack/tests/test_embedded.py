"""The embedded path of `make run`/`make test` really starts and stops servers."""

import os
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis

from devstack import services
from devstack.embedded import EmbeddedPostgres, EmbeddedRedis, StackError, free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def tmp_path():
    """A private short directory: pytest's shared basetemp is pruned by concurrent
    pytest runs, and PostgreSQL's socket path must stay under 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="gc-embedded-") as path:
        yield Path(path)


def test_embedded_postgres_starts_serves_and_stops(tmp_path):
    server = EmbeddedPostgres(tmp_path / "pg", free_port())
    server.start()
    try:
        server.create_database("gc_probe")
        with psycopg.connect(server.url("gc_probe")) as conn:
            assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            assert conn.execute("SELECT unaccent('Conceição')").fetchone() == ("Conceicao",)
    finally:
        server.stop()
    assert not server.is_ready()


def test_embedded_redis_starts_serves_and_stops(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis", free_port())
    server.start()
    try:
        client = redis.Redis.from_url(server.url())
        client.set("k", "v")
        assert client.get("k") == b"v"
    finally:
        server.stop()
    assert not server.is_ready()


def test_a_port_in_use_is_a_clear_error(tmp_path):
    first = EmbeddedRedis(tmp_path / "a", free_port())
    first.start()
    try:
        with pytest.raises(StackError, match="in use"):
            EmbeddedRedis(tmp_path / "b", first.port).start()
    finally:
        first.stop()


def test_embedded_redis_with_a_password_refuses_anyone_without_it(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis", free_port(), password="s3nha/com:símbolos")
    server.start()
    try:
        assert redis.Redis.from_url(server.url(1)).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=server.port).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=server.port, password="wrong").ping()
    finally:
        server.stop()


def test_make_runs_redis_needs_the_password_kept_in_data(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "DATA_DIR", tmp_path)
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("EMBEDDED_REDIS_PORT", str(free_port()))
    with services.data_services():
        url = os.environ["REDIS_URL"]
        password = (tmp_path / "redis_password").read_text()
        assert len(password) >= 64 and (tmp_path / "redis_password").stat().st_mode & 0o077 == 0
        assert redis.Redis.from_url(url).ping()
        assert redis.Redis.from_url(url).connection_pool.connection_kwargs["password"] == password
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=int(os.environ["EMBEDDED_REDIS_PORT"])).ping()
