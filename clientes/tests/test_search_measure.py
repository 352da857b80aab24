"""Every search's audit event says how long it took and whether Redis answered it."""

import pytest

from audit.choices import Action
from audit.models import AuditEvent
from clientes.tests.cache_helpers import cache_redis_refused, make_cliente

# Committed clients: inside a test transaction that wrote them the cache is bypassed.
pytestmark = pytest.mark.django_db(transaction=True)


def _search_events():
    return [
        e.details for e in AuditEvent.objects.filter(action=Action.CLIENTE_SEARCH).order_by("id")
    ]


def test_screen_and_api_searches_record_time_and_cache_hit_or_miss(analista_client):
    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    for _ in range(2):
        assert analista_client.get("/clientes/", {"uf": "PE"}).status_code == 200
    for _ in range(2):
        assert analista_client.get("/api/v1/clients/search", {"nome": "ana"}).status_code == 200
    # Searches that never use the cache: the keyset walk and the API list.
    assert (
        analista_client.get("/api/v1/clients/search", {"uf": "PE", "cursor": ""}).status_code == 200
    )
    assert analista_client.get("/api/v1/clients/", {"uf": "PE"}).status_code == 200

    events = _search_events()
    assert [e.get("cache") for e in events] == ["miss", "hit", "miss", "hit", None, None]
    assert [e["resultados"] for e in events] == [1, 1, 1, 1, 1, 1]
    for event in events:
        assert isinstance(event["duracao_ms"], float) and 0 < event["duracao_ms"] < 10_000


def test_a_search_answered_by_postgresql_while_redis_is_down_is_a_miss(analista_client, settings):
    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    with cache_redis_refused(settings):
        response = analista_client.get("/clientes/", {"uf": "PE"})
    assert response.status_code == 200 and "Ana Lima" in response.content.decode()
    (event,) = _search_events()
    assert event["cache"] == "miss" and event["duracao_ms"] > 0


def test_opening_the_search_screen_is_not_a_search(analista_client):
    assert analista_client.get("/clientes/").status_code == 200
    assert _search_events() == []


def test_only_the_search_pages_own_lookup_decides_hit_or_miss(analista):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from accounts.permission_cache import invalidate_permissions
    from clientes.search_measure import measure_search
    from clientes.selectors import cliente_search_page
    from common.cache import metrics

    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    cache.clear()
    cliente_search_page(user=analista, params={"uf": "PE"})  # the page is now in Redis
    # The search read the user's permission set (CPF rules): forget it again.
    invalidate_permissions()
    permission_misses = metrics.snapshot()["counters"].get("miss.permissions", 0)
    with measure_search() as measure:
        user = get_user_model().objects.get(pk=analista.pk)
        assert user.has_perm("clientes.view_cliente")  # its permission set: not cached yet
        cliente_search_page(user=user, params={"uf": "PE"})
    assert metrics.snapshot()["counters"]["miss.permissions"] == permission_misses + 1
    assert measure.cache == "hit"
