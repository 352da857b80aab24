"""Point the environment at PostgreSQL and Redis, starting embedded ones if needed.

Shared by ``make run`` and ``make test``: when DATABASE_URL / REDIS_URL are set,
those servers are used and nothing is started.
"""

from __future__ import annotations

import os
import secrets
from contextlib import ExitStack, contextmanager
from pathlib import Path

from devstack.embedded import EmbeddedPostgres, EmbeddedRedis

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data"


def local_secret(name: str) -> str:
    """Return this checkout's own random secret ``name`` (in ``.data/``), created on first use."""
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


@contextmanager
def data_services(database: str = "gestao_clientes"):
    """Yield with DATABASE_URL and REDIS_URL set; stop what was started on exit."""
    with ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            pg = EmbeddedPostgres(
                DATA_DIR / "postgres", int(os.environ.get("EMBEDDED_PG_PORT", "54329"))
            )
            print(f"Starting embedded PostgreSQL on 127.0.0.1:{pg.port} (data in .data/postgres)")
            pg.start()
            stack.callback(pg.stop)
            pg.create_database(database)
            os.environ["DATABASE_URL"] = pg.url(database)
        if not os.environ.get("REDIS_URL"):
            redis = EmbeddedRedis(
                DATA_DIR / "redis",
                int(os.environ.get("EMBEDDED_REDIS_PORT", "63799")),
                password=local_secret("redis_password"),
            )
            print(
                f"Starting embedded Redis on 127.0.0.1:{redis.port} "
                "(password in .data/redis_password)"
            )
            redis.start()
            stack.callback(redis.stop)
            os.environ["REDIS_URL"] = redis.url(0)
        yield
