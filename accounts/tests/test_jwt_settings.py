"""Production refuses to start without its own JWT signing key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 30 + "Zq8-" * 10


def _import_settings(**env):
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "JWT_SIGNING_KEY")
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; import config.settings as c;"
         " print(c.SIMPLE_JWT['SIGNING_KEY'][:8], c.SIMPLE_JWT['ALGORITHM'])"],
        cwd=ROOT, env=full_env, capture_output=True, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("jwt_key", ["", "short", "dev-only-" + "x" * 60, GOOD_SECRET])
def test_production_refuses_a_missing_weak_or_reused_jwt_key(jwt_key):
    result = _import_settings(DEBUG="false", SECRET_KEY=GOOD_SECRET, JWT_SIGNING_KEY=jwt_key)
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must be set" in result.stderr


def test_production_accepts_its_own_key():
    key = "J" * 30 + "w7_-" * 10
    result = _import_settings(DEBUG="false", SECRET_KEY=GOOD_SECRET, JWT_SIGNING_KEY=key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["JJJJJJJJ", "HS256"]


def test_debug_derives_a_development_key():
    result = _import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dev-only")
