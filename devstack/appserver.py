"""Run the app under gunicorn as a child process (TLS tests, load benchmark).

Production-shaped: the same config/gunicorn.conf.py as docker-compose, settings
only from the environment given here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class AppServerError(RuntimeError):
    """gunicorn did not start or did not answer /health/."""


class Gunicorn:
    """gunicorn on 127.0.0.1:``port`` with ``env`` added to the current environment."""

    def __init__(self, *, port: int, env: dict[str, str], log_path: Path, workers: int = 1):
        self.port = port
        self.log_path = Path(log_path)
        self.env = {
            **os.environ,
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self._proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 30.0) -> Gunicorn:
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/health/"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise AppServerError(f"gunicorn exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    return self
            except urllib.error.HTTPError:
                return self  # it answers; the health status is the test's business
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AppServerError(f"gunicorn did not answer {url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
