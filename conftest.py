"""Fixtures shared by every app's tests.

Tests run against real PostgreSQL and real Redis (DATABASE_URL / REDIS_URL, or
the embedded servers that ``make test`` starts). Nothing here fakes either.
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.mfa.tests.helpers import enrol
from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE, sync_roles

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run there unless told it is safe (it is: one thread, no awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "Senha-de-teste-123"  # noqa: S105


@pytest.fixture(autouse=True)
def _clean_cache():
    """Give each test an empty cache, so no test sees another's entries."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def roles(db):
    sync_roles()


def _make_user(django_user_model, email, role):
    user = django_user_model.objects.create_user(
        # Administradores reach the Django admin (accounts.services._set_role).
        email=email,
        password=TEST_PASSWORD,
        nome=role,
        is_staff=role == ADMINISTRADOR,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def analista(db, roles, django_user_model):
    return _make_user(django_user_model, "analista@teste.com.br", ANALISTA)


@pytest.fixture
def gerente(db, roles, django_user_model):
    return _make_user(django_user_model, "gerente@teste.com.br", GERENTE)


@pytest.fixture
def administrador(db, roles, django_user_model):
    """An Administrador who has enrolled an authenticator app, as the role requires by default.

    Logging in through the form or the token endpoint takes a code:
    ``accounts.mfa.tests.helpers.fresh_code(administrador)``.
    """
    user = _make_user(django_user_model, "admin@teste.com.br", ADMINISTRADOR)
    enrol(user)
    return user


@pytest.fixture
def encarregado(db, roles, django_user_model):
    """An Encarregado who has enrolled an authenticator app (the role requires 2FA by default)."""
    user = _make_user(django_user_model, "encarregado@teste.com.br", ENCARREGADO)
    enrol(user)
    return user


@pytest.fixture
def analista_client(client, analista):
    client.force_login(analista)
    return client


@pytest.fixture
def admin_client_(client, administrador):
    client.force_login(administrador)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the system Chromium: browsers cannot be downloaded here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_system_settings():
    """System parameters are cached per process: each test reads its own."""
    from accounts.system_settings import forget_cached_settings

    forget_cached_settings()
    yield
    forget_cached_settings()


@pytest.fixture
def deep_health(client, settings):
    """GET /health/deep/ as monitoring does (bearer token), probing on every call."""
    from config.health import forget_deep_result

    settings.METRICS_TOKEN = "monitoring-token-for-tests"  # noqa: S105
    settings.HEALTH_DEEP_MIN_INTERVAL = 0
    forget_deep_result()

    def get():
        return client.get("/health/deep/", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")

    yield get
    forget_deep_result()
