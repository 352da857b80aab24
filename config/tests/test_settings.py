import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "secret",
    ["", "short", "django-insecure-" + "x" * 60, "dev-only-" + "x" * 60],
)
def test_production_settings_refuse_a_weak_secret_key(secret):
    result = _import_settings(DEBUG="false", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_accept_a_real_secret_key():
    result = _import_settings(DEBUG="false", SECRET_KEY="k" * 30 + "Zq8-" * 10)
    assert result.returncode == 0, result.stderr


def test_bcrypt_is_the_password_hasher():
    from django.conf import settings

    assert settings.PASSWORD_HASHERS[0].endswith("BCryptSHA256PasswordHasher")
    assert settings.LANGUAGE_CODE == "pt-br"
    assert settings.TIME_ZONE == "America/Sao_Paulo"
