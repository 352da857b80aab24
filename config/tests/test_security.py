"""Hardened settings: check --deploy, security headers, no-store, API throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing_with_production_settings():
    # Production: DEBUG off and HTTPS_ONLY at its default (on). The test
    # environment's overrides (plain HTTP, Playwright's async escape) are removed.
    test_only = ("DEBUG", "HTTPS_ONLY", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.django_db
def test_pages_allow_only_own_origin_and_no_framing(client):
    response = client.get("/conta/entrar/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_templates_have_no_inline_script_or_style(client, analista):
    client.force_login(analista)
    html = client.get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert " style=" not in html


@pytest.mark.django_db
def test_personal_pages_and_api_responses_are_never_stored(client, analista):
    assert "no-store" in client.get("/conta/entrar/").headers["Cache-Control"]
    client.force_login(analista)
    assert "no-store" in client.get("/").headers["Cache-Control"]
    api = client.get("/api/schema/")
    assert api.status_code == 200
    assert "no-store" in api.headers["Cache-Control"]


@pytest.fixture
def tight_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"},
    }
    settings.TRUSTED_PROXIES = ["10.0.0.5"]


def _api(client, ip="10.0.0.5", forwarded=None, path="/api/schema/"):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(path, **extra)


@pytest.mark.django_db
def test_anonymous_api_calls_are_limited_per_client_ip(client, tight_rates):
    behind_proxy = "198.51.100.1"
    assert _api(client, forwarded=behind_proxy).status_code == 200
    assert _api(client, forwarded=behind_proxy).status_code == 200
    limited = _api(client, forwarded=behind_proxy)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    detail = limited.content.decode()
    assert "Muitas requisições em pouco tempo. Tente novamente em" in detail
    # Another client behind the same proxy keeps its own quota.
    assert _api(client, forwarded="198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_quota(client, tight_rates):
    attacker = "203.0.113.9"  # talks to the app directly, not through nginx
    for _ in range(2):
        assert _api(client, ip=attacker, forwarded="1.1.1.1").status_code == 200
    assert _api(client, ip=attacker, forwarded="2.2.2.2").status_code == 429


@pytest.mark.django_db
def test_authenticated_api_calls_are_limited_per_user(client, tight_rates, analista, gerente):
    me = "/api/v1/auth/me/"
    client.force_login(analista)
    statuses = [_api(client, path=me).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    client.force_login(gerente)
    assert _api(client, path=me).status_code == 200


@pytest.mark.django_db
def test_throttling_lets_requests_through_when_redis_is_down(client, tight_rates, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    assert [_api(client).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
def test_api_docs_load_their_initialiser_as_a_script_file(client, analista):
    client.force_login(analista)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
