"""A real nginx (Debian's package) running the repository's own site config.

The TLS tests and the load benchmark render deploy/nginx/templates/ exactly as
the official nginx image does in docker-compose (envsubst of ``${GC_*}``), for
loopback ports, and run nginx as a child process with its own prefix, pid and
logs, so nothing of the system nginx is touched.

``python3 -m devstack.nginx cert DIR`` writes a self-signed certificate
(``make cert``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "gestao.conf.template"


class NginxError(RuntimeError):
    """nginx is missing, its config is invalid or it did not start."""


def nginx_binary() -> str:
    # /usr/sbin is not on every PATH (e.g. non-root shells on Debian).
    found = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
    if not found:
        raise NginxError("nginx is not installed (apt-get install -y nginx)")
    return found


def render_site(**values: str) -> str:
    """Return the site template with every ``${GC_*}`` replaced from ``values``."""

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise NginxError(f"no value for {name} in the nginx template")
        return str(values[name])

    return re.sub(r"\$\{(GC_[A-Z_]+)\}", substitute, SITE_TEMPLATE.read_text())


def self_signed_cert(directory: Path, *, days: int = 365) -> Path:
    """Write fullchain.pem and privkey.pem for localhost/127.0.0.1 into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", str(days),
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (directory / "privkey.pem").chmod(0o600)
    return directory


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise NginxError(f"nginx exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise NginxError(f"nginx did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


class Nginx:
    """nginx on 127.0.0.1 (``http_port`` redirects, ``https_port`` serves) in ``workdir``."""

    def __init__(
        self,
        workdir: Path,
        *,
        upstream: str,
        static_root: Path,
        cert_dir: Path,
        http_port: int,
        https_port: int,
        worker_processes: int = 1,
        worker_connections: int = 1024,
    ):
        self.workdir = Path(workdir)
        self.http_port = http_port
        self.https_port = https_port
        self.site = render_site(
            GC_HTTP_LISTEN=f"127.0.0.1:{http_port}",
            GC_HTTPS_LISTEN=f"127.0.0.1:{https_port}",
            GC_UPSTREAM=upstream,
            GC_STATIC_ROOT=str(Path(static_root).resolve()),
            GC_CERT_DIR=str(Path(cert_dir).resolve()),
            GC_ACCESS_LOG=str(self.workdir / "access.log"),
        )
        self.worker_processes = worker_processes
        self.worker_connections = worker_connections
        self._proc: subprocess.Popen | None = None

    @property
    def error_log(self) -> Path:
        return self.workdir / "error.log"

    def _main_config(self) -> str:
        w = self.workdir
        # As root, workers would otherwise run as "nobody" and could not read a
        # test's private temporary directory.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        temp_paths = "".join(
            f"    {kind}_temp_path {w / (kind + '_temp')};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"{user}daemon off;\n"
            f"worker_processes {self.worker_processes};\n"
            f"pid {w / 'nginx.pid'};\n"
            f"error_log {self.error_log} warn;\n"
            f"events {{ worker_connections {self.worker_connections}; }}\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            "    access_log off;  # the site config names its own log\n"
            f"{temp_paths}"
            f"    include {w / 'gestao.conf'};\n"
            "}\n"
        )

    def start(self) -> Nginx:
        binary = nginx_binary()
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "gestao.conf").write_text(self.site)
        config = self.workdir / "nginx.conf"
        config.write_text(self._main_config())
        args = [binary, "-p", str(self.workdir), "-c", str(config), "-e", str(self.error_log)]
        test = subprocess.run([*args, "-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise NginxError(f"invalid nginx config: {test.stderr.strip()}")
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait_for_port(self.https_port, self._proc)
        _wait_for_port(self.http_port, self._proc)
        return self

    def stop(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.send_signal(signal.SIGQUIT)  # graceful: finish open requests
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "cert":
        sys.exit("usage: python3 -m devstack.nginx cert DIRECTORY")
    print(f"self-signed certificate for localhost in {self_signed_cert(Path(sys.argv[2]))}")
