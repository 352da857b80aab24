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

    assert settings.PASSWORD_HASHERS[0] == "accounts.hashers.BCryptSHA256PasswordHasher"
    assert settings.LANGUAGE_CODE == "pt-br"
    assert settings.TIME_ZONE == "America/Sao_Paulo"


def test_passwords_are_stored_as_bcrypt_and_verify_across_work_factors(settings):
    from django.contrib.auth.hashers import check_password, make_password

    settings.BCRYPT_ROUNDS = 12  # production's work factor
    production_hash = make_password("Senha-forte-2026")
    assert production_hash.startswith("bcrypt_sha256$$2b$12$")
    settings.BCRYPT_ROUNDS = 4
    assert make_password("Senha-forte-2026").startswith("bcrypt_sha256$$2b$04$")
    assert check_password("Senha-forte-2026", production_hash)
    assert not check_password("senha-errada-2026", production_hash)
