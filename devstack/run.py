"""``make run``: the whole system on one machine, on embedded servers if needed.

Starts (or reuses) PostgreSQL and Redis, migrates, seeds demo data on first run,
then runs gunicorn, a Celery worker and Celery beat until Ctrl-C.
"""

import os
import signal
import subprocess
import sys
import time

from devstack.embedded import StackError, port_is_free
from devstack.services import DATA_DIR, ROOT, data_services, local_secret

PYTHON = sys.executable


def _prepare_environment(port: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", local_secret("secret_key"))
    os.environ.setdefault("JWT_SIGNING_KEY", local_secret("jwt_signing_key"))
    # Loopback HTTP: production's HTTPS redirect and secure cookies stay off here.
    os.environ.setdefault("HTTPS_ONLY", "false")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("GUNICORN_BIND", f"127.0.0.1:{port}")
    os.environ.setdefault("GUNICORN_WORKERS", "3")
    # No mail server here: password reset mails are printed by the Celery worker.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    # Production logs JSON lines for a shipper; a terminal reads plain text.
    os.environ.setdefault("LOG_FORMAT", "plain")


def _manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def _start_processes() -> list[subprocess.Popen]:
    commands = [
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        # As deployed: exports on workers of their own, so they never delay the
        # periodic tasks (reconciliation, housekeeping) of the default queue.
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-l", "INFO", "-c", "1",
         "-Q", "celery", "-n", "default@%h"],
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-l", "INFO", "-c", "2",
         "-Q", "exports", "-n", "exports@%h"],
        [
            PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
            "--schedule", str(DATA_DIR / "celerybeat-schedule"),
        ],
    ]  # fmt: skip
    return [subprocess.Popen(cmd, cwd=ROOT) for cmd in commands]


def _stop_processes(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in processes:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    port = os.environ.get("PORT", "8000")
    if not port_is_free(int(port)):
        print(f"error: port {port} is in use: stop what uses it or run `PORT=8001 make run`")
        return 1
    _prepare_environment(port)
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    try:
        with data_services():
            _manage("migrate", "--noinput", "-v", "0")
            _manage("collectstatic", "--noinput", "-v", "0")
            # DEBUG is off here (production settings): say the known password is fine.
            _manage("create_demo_users", "--known-password-ok")
            _manage(
                "seed_clients", "--count", os.environ.get("SEED_CLIENTS", "50000"), "--if-empty"
            )
            signal.signal(signal.SIGINT, request_stop)
            signal.signal(signal.SIGTERM, request_stop)
            processes = _start_processes()
            print(f"\nGestão de Clientes: http://127.0.0.1:{port}/  (Ctrl-C para parar)\n")
            try:
                while not stopping and all(p.poll() is None for p in processes):
                    time.sleep(0.5)
            finally:
                print("Stopping...")
                _stop_processes(processes)
    except StackError as exc:
        print(f"error: {exc}")
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"error: `{' '.join(exc.cmd[1:])}` failed (exit {exc.returncode})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
