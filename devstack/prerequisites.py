"""Make sure the system packages the test suite needs are installed.

``make test`` runs this before anything else. The TLS tests run Debian's nginx
(devstack/nginx.py) and the browser tests drive the system Chromium
(conftest.py): as root, with apt-get, missing ones are installed; otherwise the
run stops with one message that says what to install, before any test runs.

Usage: python -m devstack.prerequisites
"""

import os
import shutil
import subprocess
import sys

from devstack.nginx import NginxError, nginx_binary


def _chromium_present() -> bool:
    return os.access(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), os.X_OK)


def _nginx_present() -> bool:
    try:
        nginx_binary()
    except NginxError:
        return False
    return True


# Debian package -> whether it is usable here.
CHECKS = {"nginx": _nginx_present, "chromium": _chromium_present}


def missing_packages() -> list[str]:
    """Return the Debian packages the tests need that are not installed."""
    return [package for package, present in CHECKS.items() if not present()]


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing {' '.join(packages)} for the test suite (apt-get)...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def main(*, may_install: bool | None = None) -> int:
    """Install or report missing packages; return 0 when everything is there."""
    if may_install is None:
        may_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    absent = missing_packages()
    if absent and may_install:
        try:
            _apt_install(absent)
        except subprocess.CalledProcessError as exc:
            print(f"error: apt-get failed ({exc})", file=sys.stderr)
        absent = missing_packages()
    if absent:
        names = " ".join(absent)
        print(
            f"error: the test suite needs {names}, which is not installed.\n"
            f"Install it and run `make test` again:\n"
            f"    sudo apt-get install -y {names}\n"
            "(as root, `make test` installs it itself; a Chromium elsewhere: CHROMIUM_PATH=...)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
