"""Search pages served from Redis: one key per normalised search, dropped by any write."""

import pytest
from django.db import transaction

from clientes.models import Endereco
from clientes.selectors import cliente_search_page
from clientes.tests.cache_helpers import make_cliente
from common.cache import metrics, store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache_state():
    store.reset_state()
    metrics.reset()


def _page(params, **kwargs):
    return cliente_search_page(user=None, params=params, **kwargs)


def test_repeated_search_runs_no_sql_even_typed_differently(django_assert_num_queries):
    joao = make_cliente(nome="João da Silva")
    first = _page({"nome": "joão silva", "uf": "SP"})
    assert [row["id_cliente"] for row in first.rows] == [joao.pk]

    with django_assert_num_queries(0):
        again = _page({"uf": "SP", "nome": "  JOAO   Silva "})
    assert again == first
    assert metrics.snapshot()["counters"]["hit.search"] == 1


def test_any_committed_client_write_refreshes_cached_searches():
    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    assert _page({"uf": "PE"}).count == 1

    make_cliente(cpf="11144477735", nome="Bruno Lima", cidade="Olinda", uf="PE")
    assert _page({"uf": "PE"}).count == 2

    endereco = Endereco.objects.get(cidade="Olinda")
    endereco.uf = "PB"
    endereco.save()  # an address write changes who matches, too
    assert [row["nome_completo"] for row in _page({"uf": "PE"}).rows] == ["Ana Lima"]


def test_rolled_back_write_keeps_the_cached_page(django_assert_num_queries):
    cliente = make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    cached = _page({"uf": "PE"})
    with pytest.raises(RuntimeError), transaction.atomic():
        cliente.nome_completo = "Nunca Salvo"
        cliente.save()
        raise RuntimeError
    with django_assert_num_queries(0):
        assert _page({"uf": "PE"}) == cached


def test_pages_and_sizes_are_separate_entries():
    for i, cpf in enumerate(["52998224725", "11144477735", "39053344705"]):
        make_cliente(cpf=cpf, nome=f"Cliente {i}", cidade="Recife", uf="PE")
    one = _page({"uf": "PE"}, page=1, size=10)
    assert len(one.rows) == 3
    assert _page({"uf": "PE"}, page=2, size=10).rows == []
