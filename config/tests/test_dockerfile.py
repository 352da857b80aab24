"""The Dockerfile and .dockerignore, tested without a container engine.

No Docker daemon runs here, so the build is replayed: the build context is
filtered by .dockerignore with docker-py's own matcher, and the build steps
that need no root run with exactly the ``ENV`` the Dockerfile declares.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docker.utils.build import exclude_paths

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """Return the Dockerfile's (INSTRUCTION, arguments), continuations joined."""
    steps, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _sep, args = current.strip().partition(" ")
        steps.append((keyword.upper(), args.strip()))
        current = ""
    return steps


def _dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, args in _instructions():
        if keyword == "ENV":
            for pair in shlex.split(args):
                key, _sep, value = pair.partition("=")
                env[key] = value
    return env


def _run_step(containing: str) -> list[str]:
    (command,) = [args for kw, args in _instructions() if kw == "RUN" and containing in args]
    return shlex.split(command)


def _ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _build_context(root: Path) -> set[str]:
    return exclude_paths(str(root), _ignore_patterns(), dockerfile="Dockerfile")


def test_collectstatic_runs_with_exactly_the_dockerfile_environment(tmp_path):
    # The build context as docker would send it, copied to the image's WORKDIR.
    workdir = tmp_path / "app"
    for name in _build_context(ROOT):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, workdir / name)
    argv = _run_step("collectstatic")
    env = {"PATH": os.environ["PATH"], **_dockerfile_env()}
    while "=" in argv[0]:  # the step's own VAR=value prefix
        key, _sep, value = argv.pop(0).partition("=")
        env[key] = value.replace("/app/", f"{workdir}/")
    assert argv[:2] == ["python", "manage.py"]
    # The image installs requirements.txt only; this virtualenv also has the
    # development packages, among them brotli, which would make whitenoise
    # compress every file twice (minutes here). Run as the image would.
    assert "brotli" not in (ROOT / "requirements.txt").read_text().lower()
    as_in_the_image = (
        "import runpy, sys; sys.modules['brotli'] = None; sys.argv = sys.argv[1:]; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    result = subprocess.run(  # noqa: S603 - the Dockerfile's own command line
        [sys.executable, "-c", as_in_the_image, *argv[1:]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((workdir / "staticfiles" / "staticfiles.json").read_text())
    assert "css/app.css" in manifest["paths"]
    assert (workdir / "staticfiles" / manifest["paths"]["css/app.css"]).exists()


def test_the_build_keys_are_throwaway_and_never_the_runtime_ones():
    env = dict(part.partition("=")[::2] for part in _run_step("collectstatic") if "=" in part)
    assert env["SECRET_KEY"] != env["JWT_SIGNING_KEY"]
    assert "SECRET_KEY" not in _dockerfile_env() and "JWT_SIGNING_KEY" not in _dockerfile_env()
    app_env = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]["environment"]
    assert app_env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert app_env["JWT_SIGNING_KEY"].startswith("${JWT_SIGNING_KEY:?")


def test_media_root_is_created_for_the_app_user_before_it_takes_over():
    steps = _instructions()
    user_at = steps.index(("USER", "app"))
    argv = _run_step("/app/media")
    assert steps.index(("RUN", shlex.join(argv))) < user_at
    assert argv[:2] == ["install", "-d"]
    assert argv[argv.index("-o") + 1] == "app" and argv[argv.index("-g") + 1] == "app"
    app = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]
    assert app["environment"]["MEDIA_ROOT"] == argv[-1]
    assert f"media:{argv[-1]}" in app["volumes"]


SECRETS = [
    ".data/secret_key",
    ".data/jwt_signing_key",
    ".data/postgres/PG_VERSION",
    ".data/media/exports/1/export.csv",
    ".venv/bin/python",
    ".git/HEAD",
    ".git/config",
    ".env",
    "deploy/certs/privkey.pem",
    "deploy/certs/fullchain.pem",
    "clientes/__pycache__/models.cpython-311.pyc",
    "bench/results/search.json",
    "htmlcov/index.html",
]
NEEDED = [
    "manage.py",
    "requirements.txt",
    "config/settings.py",
    "config/gunicorn.conf.py",
    "clientes/models.py",
    "static/css/app.css",
    "templates/base.html",
    "locale/pt_BR/LC_MESSAGES/django.po",
]


@pytest.mark.parametrize("path", SECRETS)
def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image(tmp_path, path):
    for name in [path, *NEEDED]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    shutil.copy(ROOT / ".dockerignore", tmp_path)
    context = _build_context(tmp_path)
    assert path not in context
    assert set(NEEDED) <= context
