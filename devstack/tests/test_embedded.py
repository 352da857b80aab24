"""The embedded path of `make run`/`make test` really starts and stops servers."""

import tempfile
from pathlib import Path

import psycopg
import pytest
import redis

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
