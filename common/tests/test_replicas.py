"""Read replicas with a real streaming replica (``pg_basebackup -R``) on loopback.

A primary and a replica are started for this module; each scenario of
``replica_scenario.py`` runs in a Django process configured like production
(``DATABASE_URL`` + ``DATABASE_REPLICA_URLS``), against the machine's Redis
under a key prefix of its own.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from devstack.embedded import EmbeddedPostgres, EmbeddedReplica, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "gc_replicas"


@pytest.fixture(scope="module")
def cluster():
    # A folder of our own: pytest prunes its numbered temporary folders when
    # another run starts, which would pull the data directories from under
    # running servers.
    workdir = Path(tempfile.mkdtemp(prefix="gc-replicas-"))
    primary = EmbeddedPostgres(workdir / "primary", free_port())
    primary.start()
    replica = EmbeddedReplica(workdir / "replica", free_port(), primary)
    try:
        primary.create_database(DATABASE)
        replica.start()
        env = {
            **os.environ,
            "DATABASE_URL": primary.url(DATABASE),
            "DATABASE_REPLICA_URLS": replica.url(DATABASE),
            "CACHE_KEY_PREFIX": f"replicas{secrets.token_hex(4)}",
            "ALLOWED_HOSTS": "testserver",
            "REPLICA_MAX_LAG_SECONDS": "30",
            "REPLICA_CHECK_SECONDS": "0",
            "METRICS_TOKEN": "t" * 40,
        }
        _run(["manage.py", "migrate", "--no-input"], env)
        yield primary, replica, env
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args: list[str], env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def scenario(name: str, env: dict, **overrides) -> dict:
    output = _run(["-m", "common.tests.replica_scenario", name], {**env, **overrides})
    return json.loads(output.strip().splitlines()[-1])


def test_searches_and_profiles_read_the_replica(cluster):
    _primary, _replica, env = cluster
    seen = scenario("reads_land_on_the_replica", env)
    assert seen["profile_status"] == 200 and seen["search_status"] == 200
    assert seen["profile_queries"].get("replica_0", 0) > 0
    assert seen["search_queries"].get("replica_0", 0) > 0
    assert "default" not in seen["profile_queries"]
    assert "default" not in seen["search_queries"]


def test_exports_generated_by_workers_read_the_replica(cluster):
    _primary, _replica, env = cluster
    scenario("reads_land_on_the_replica", env)
    seen = scenario("exports_read_the_replica", env)
    assert seen["status"] == "done"
    # The paused replica has not replayed the client created since.
    assert [row.strip('"') for row in seen["rows"]] == ["Helena Replica Souza"]
    assert "default" not in seen["queries"]


def test_a_writer_reads_its_own_write_and_the_cache_never_keeps_the_replicas_old_row(cluster):
    _primary, _replica, env = cluster
    seen = scenario("read_your_writes_and_no_stale_fill", env)
    assert seen["patch_status"] == 200
    assert seen["writer_sees"] == "Otavio Depois Pereira"
    # The replica (paused, within the lag allowed) still holds the old row. A
    # reader's cache fill must not store it under the tokens the write
    # replaced: the fill reads the primary until the replica replays the write.
    assert seen["replica_holds_while_paused"] == "Otavio Antes Pereira"
    assert seen["reader_sees_while_paused"] == "Otavio Depois Pereira"
    assert seen["reader_sees_after_replay"] == "Otavio Depois Pereira"


def test_a_replica_further_behind_than_allowed_leaves_the_rotation(cluster):
    _primary, _replica, env = cluster
    seen = scenario("lagging_replica_is_skipped", env, REPLICA_MAX_LAG_SECONDS="0.5")
    assert seen["status"] == 200
    assert seen["queries"].get("default", 0) > 0
    assert "replica_0" not in seen["queries"]


def test_a_stopped_replica_changes_nothing_for_users(cluster):
    _primary, replica, env = cluster
    scenario("reads_land_on_the_replica", env)  # the client exists on both
    replica.stop()
    try:
        seen = scenario("stopped_replica_changes_nothing", env)
    finally:
        replica.start()
    assert seen["profile_status"] == 200 and seen["search_status"] == 200
    assert seen["found"]  # the client, found by the primary
    assert "replica_0" not in seen["queries"]
    # Monitoring sees it: the deep health check is degraded, and says why.
    assert seen["health"]["status"] == "degraded"
    assert seen["health"]["checks"]["replicas"] == {
        "ok": False,
        "lag_seconds": {"replica_0": None},
    }
