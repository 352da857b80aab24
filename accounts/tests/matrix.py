"""Role x URL permission matrix: what each kind of visitor gets from every URL.

``accounts/tests/test_permissions.py`` resolves the WHOLE URLconf and requests
every URL pattern as anonymous, Analista, Gerente, Administrador and Encarregado. A pattern
without a rule fails the test, so a new URL cannot ship without someone deciding
who may use it.

Each app declares the rules for its own URLs in ``<app>/tests/url_rules.py``
(``config/tests/url_rules.py`` for project-level URLs) as a dict named
``url_rules``::

    from accounts.roles import ANALISTA, GERENTE
    from accounts.tests.matrix import api, page

    url_rules = {
        "clientes:search": page(ANALISTA),  # anonymous → login, Analista and up → 200
        "clientes:detail": page(ANALISTA, kwargs=lambda ctx: {"pk": make_cliente().pk}),
        "reports:metrics": page(GERENTE),  # Analista → 403
        "clientes-api:list": api(ANALISTA),  # anonymous → 401
        "clientes-api:export": api(ANALISTA, method="post", data={...}, ok=202),
    }

Keys are namespaced URL names. A key ending in ``*`` covers every name with
that prefix (``"admin:*"``); an exact key wins over a prefix. ``kwargs`` is a
dict or a callable receiving a ``Context`` (the three role users) and returning
the URL kwargs, created fresh for each visitor (so a POST that deletes
something gets its own object). Expected values are an HTTP status, a tuple of
accepted statuses, or ``LOGIN`` / ``ADMIN_LOGIN`` (a 302 to that login page).
Roles are cumulative: Gerente can do everything Analista can, Administrador all.

Encarregado (the LGPD officer) is a branch beside that line: it holds
Analista's permissions plus the LGPD ones. ``page``/``api`` with a linear
``min_role`` expect of it what they expect of Analista; ``min_role=ENCARREGADO``
means "the LGPD permissions": Encarregado and Administrador pass, Analista and
Gerente are denied. ``custom`` takes Analista's answer for it unless told
(``encarregado=``), e.g. where owning an object matters.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE

VISITORS = ("anonymous", ANALISTA, GERENTE, ADMINISTRADOR, ENCARREGADO)
_RANK = {ANALISTA: 1, GERENTE: 2, ADMINISTRADOR: 3}
# The rank whose linear rules the Encarregado follows (it has Analista's permissions).
_ENCARREGADO_AS = ANALISTA

LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the Django admin's login page


@dataclass
class Context:
    """What a ``kwargs`` callable may use: the user logged in for each role."""

    users: dict


@dataclass(frozen=True)
class Rule:
    """Expected answer of one URL for each visitor."""

    expected: dict  # visitor -> status | tuple of statuses | LOGIN | ADMIN_LOGIN
    method: str = "get"
    kwargs: dict | Callable | None = None
    data: dict | None = None
    content_type: str | None = None
    extra: dict = field(default_factory=dict)  # headers, e.g. {"HTTP_HX_REQUEST": "true"}


def _by_role(min_role, anonymous, ok, denied):
    expected = {"anonymous": anonymous}
    if min_role == ENCARREGADO:
        expected.update({ANALISTA: denied, GERENTE: denied, ADMINISTRADOR: ok, ENCARREGADO: ok})
        return expected
    for role, rank in _RANK.items():
        expected[role] = ok if rank >= _RANK[min_role] else denied
    expected[ENCARREGADO] = expected[_ENCARREGADO_AS]
    return expected


def public(status=200, *, method="get", **options) -> Rule:
    """A URL anyone may use (the same answer for every visitor)."""
    return Rule(expected=dict.fromkeys(VISITORS, status), method=method, **options)


def page(min_role=ANALISTA, *, ok=200, method="get", **options) -> Rule:
    """An HTML page: anonymous → login, roles below ``min_role`` → 403."""
    return Rule(expected=_by_role(min_role, LOGIN, ok, 403), method=method, **options)


def api(min_role=ANALISTA, *, ok=200, method="get", **options) -> Rule:
    """An API endpoint: anonymous → 401, roles below ``min_role`` → 403."""
    options.setdefault("content_type", "application/json")
    return Rule(expected=_by_role(min_role, 401, ok, 403), method=method, **options)


def custom(anonymous, analista, gerente, administrador, *, encarregado=None, **options) -> Rule:
    """Spell out each visitor's answer (the Encarregado's defaults to Analista's)."""
    answers = (anonymous, analista, gerente, administrador)
    answers += (analista if encarregado is None else encarregado,)
    expected = dict(zip(VISITORS, answers, strict=True))
    return Rule(expected=expected, **options)
