"""The role x URL matrix over the whole URLconf (rules: see accounts/tests/matrix.py)."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE
from accounts.tests.matrix import ADMIN_LOGIN, LOGIN, VISITORS, Context


def _walk(patterns, namespace="", prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, child_ns, route)
        elif isinstance(entry, URLPattern):
            name = entry.name or route
            full = f"{namespace}:{name}" if namespace and entry.name else name
            yield full, route, entry


def all_url_patterns():
    """Return {key: (route, pattern)} for every pattern of the URLconf."""
    found = {}
    for key, route, pattern in _walk(get_resolver().url_patterns):
        found.setdefault(key, (route, pattern))
    return found


def _rule_modules():
    base = Path(settings.BASE_DIR).resolve()
    names = ["config"] + [
        app.name for app in apps.get_app_configs() if Path(app.path).resolve().is_relative_to(base)
    ]
    for name in names:
        try:
            yield importlib.import_module(f"{name}.tests.url_rules")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{name}.tests", f"{name}.tests.url_rules"):
                raise


def all_rules():
    """Return {key: rule} from every app's url_rules, refusing duplicates."""
    rules = {}
    for module in _rule_modules():
        for key, rule in module.url_rules.items():
            assert key not in rules, f"{key} has rules in two places"
            rules[key] = rule
    return rules


def rule_for(key, rules):
    if key in rules:
        return rules[key]
    prefixes = [k for k in rules if k.endswith("*") and key.startswith(k[:-1])]
    return rules[max(prefixes, key=len)] if prefixes else None


PATTERNS = all_url_patterns()
RULES = all_rules()


def test_every_url_has_a_rule():
    missing = sorted(key for key in PATTERNS if rule_for(key, RULES) is None)
    assert not missing, (
        "URLs without a permission rule (add them to <app>/tests/url_rules.py): "
        + ", ".join(missing)
    )


def test_every_rule_matches_a_url():
    stale = sorted(k for k in RULES if not k.endswith("*") and k not in PATTERNS)
    assert not stale, "rules for URLs that do not exist: " + ", ".join(stale)


def _users(django_user_model):
    users = {}
    for role in (ANALISTA, GERENTE, ADMINISTRADOR, ENCARREGADO):
        # No password: hashing one per test would dominate the run time.
        user = django_user_model.objects.create_user(
            email=f"matriz-{role.lower()}@teste.com.br", nome=role, is_staff=role == ADMINISTRADOR
        )
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def _url(key, _route, pattern, rule, ctx):
    params = set(pattern.pattern.converters) | set(
        re.findall(r"\(\?P<(\w+)>", str(pattern.pattern))
    )
    kwargs = rule.kwargs(ctx) if callable(rule.kwargs) else dict(rule.kwargs or {})
    kwargs = {k: v for k, v in kwargs.items() if k in params}
    assert set(kwargs) == params, f"{key}: the rule must give kwargs {sorted(params)}"
    if pattern.name is None:
        return _fill(_route, kwargs)
    return reverse(key, kwargs=kwargs)


def _fill(route, kwargs):
    """Build the URL of an unnamed pattern from its route and kwargs."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def _matches(expected, response):
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith(reverse(settings.LOGIN_URL))
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith(reverse("admin:login"))
    if isinstance(expected, tuple):
        return response.status_code in expected
    return response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_role_matrix(key, roles, django_user_model):
    rule = rule_for(key, RULES)
    if rule is None:
        pytest.fail(f"{key} has no rule (see test_every_url_has_a_rule)")
    users = _users(django_user_model)
    ctx = Context(users=users)
    _route, pattern = PATTERNS[key]
    wrong = []
    for visitor in VISITORS:
        client = Client()
        if visitor != "anonymous":
            client.force_login(users[visitor])
        url = _url(key, _route, pattern, rule, ctx)
        options = {**rule.extra}
        if rule.content_type:
            options["content_type"] = rule.content_type
        response = getattr(client, rule.method)(url, rule.data or {}, **options)
        expected = rule.expected[visitor]
        if not _matches(expected, response):
            wrong.append(
                f"{visitor}: expected {expected}, got {response.status_code} "
                f"{response.headers.get('Location', '')}"
            )
    assert not wrong, f"{rule.method.upper()} {key}: " + "; ".join(wrong)
