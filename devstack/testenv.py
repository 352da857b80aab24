"""Run a command (the test suite) with real PostgreSQL and Redis available.

Usage: python -m devstack.testenv COMMAND [ARGS...]
"""

import os
import secrets
import subprocess
import sys

from devstack.embedded import StackError
from devstack.services import data_services


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m devstack.testenv COMMAND [ARGS...]", file=sys.stderr)
        return 2
    # Production-like settings (DEBUG off) over plain HTTP, with Celery tasks run
    # in-process unless a test starts a real worker.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("JWT_SIGNING_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("HTTPS_ONLY", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    # Console lines as a person reads them (the JSON formatter has its own tests).
    os.environ.setdefault("LOG_FORMAT", "plain")
    # Still bcrypt, at its minimum work factor: hundreds of test logins stay fast.
    os.environ.setdefault("BCRYPT_ROUNDS", "4")
    try:
        with data_services():
            return subprocess.call(argv)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
