"""City/UF filters and the UF category after address changes (migration 0006).

The principal address is matched on the client row (kept by triggers on
clientes_enderecos); the others through the addresses table. Whatever path an
address change takes (ORM save, bulk update, delete), searches must follow it.
"""

import pytest

from clientes.models import Endereco
from clientes.selectors import cliente_search, cliente_search_page
from clientes.tests.search_fixtures import make_cliente, make_cpf

pytestmark = pytest.mark.django_db


def _ids(params):
    return set(cliente_search(user=None, params=params).values_list("id_cliente", flat=True))


def _uf_facet(params):
    result = cliente_search_page(user=None, params=params)
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in result.facets}
    return facets.get("uf", {})


@pytest.fixture
def ana():
    """Principal address in Recife/PE, a second one in Curitiba/PR; 25 years old."""
    return make_cliente(
        make_cpf("987654321"), "Ana Teste", 25, "Recife", "PE", outro_endereco=("Curitiba", "PR")
    )


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"cidade": "recife", "uf": "PE"}, True),
        ({"cidade": "curitiba", "uf": "PR"}, True),  # the second address matches
        ({"cidade": "curitiba", "uf": "PR", "idade_min": 18, "idade_max": 29}, True),
        ({"cidade": "curitiba", "uf": "PR", "idade_min": 30}, False),
        ({"uf": "PR"}, True),
        ({"cidade": "curitiba"}, True),
        ({"cidade": "curitiba", "uf": "PE"}, False),  # one address must match both
        ({"cidade": "recife", "uf": "PR"}, False),
    ],
)
def test_any_address_of_the_client_matches(ana, params, found):
    assert (ana.pk in _ids(params)) is found


def test_moving_the_principal_address_moves_the_uf_category(ana):
    assert _uf_facet({"q": "ana teste"}) == {"PE": 1}
    Endereco.objects.filter(cliente=ana, principal=True).update(principal=False)
    Endereco.objects.filter(cliente=ana, cidade="Curitiba").update(principal=True)
    assert _uf_facet({"q": "ana teste"}) == {"PR": 1}
    # Both addresses still find her.
    assert ana.pk in _ids({"cidade": "recife", "uf": "PE"})
    assert ana.pk in _ids({"cidade": "curitiba", "uf": "PR"})


def test_editing_the_principal_address_city_is_searchable(ana):
    endereco = Endereco.objects.get(cliente=ana, principal=True)
    endereco.cidade, endereco.uf = "Goiânia", "GO"
    endereco.save()
    assert ana.pk in _ids({"cidade": "goiania", "uf": "GO"})
    assert ana.pk not in _ids({"cidade": "recife"})
    assert _uf_facet({"q": "ana teste"}) == {"GO": 1}


def test_deleting_addresses_removes_the_client_from_their_city(ana):
    Endereco.objects.filter(cliente=ana, principal=True).delete()
    assert ana.pk not in _ids({"cidade": "recife", "uf": "PE"})
    assert ana.pk not in _ids({"uf": "PE"})
    assert _uf_facet({"q": "ana teste"}) == {}
    assert ana.pk in _ids({"cidade": "curitiba", "uf": "PR"})
    Endereco.objects.filter(cliente=ana).delete()
    assert ana.pk not in _ids({"uf": "PR"})


def test_a_new_principal_address_is_searchable_at_once(db):
    cliente = make_cliente(make_cpf("123123123"), "Bia Nova", 40, "Manaus", "AM")
    assert cliente.pk in _ids({"cidade": "manaus", "uf": "AM"})
    assert _uf_facet({"q": "bia nova"}) == {"AM": 1}


def test_editing_another_address_city_is_searchable(ana):
    outro = Endereco.objects.get(cliente=ana, principal=False)
    outro.cidade, outro.uf = "Belém", "PA"
    outro.save()
    assert ana.pk in _ids({"cidade": "belem", "uf": "PA"})
    assert ana.pk in _ids({"uf": "PA"})
    assert ana.pk not in _ids({"cidade": "curitiba"})
    assert ana.pk not in _ids({"uf": "PR"})
    assert _uf_facet({"q": "ana teste"}) == {"PE": 1}  # the category is the principal's


def test_adding_another_address_later_is_searchable(db):
    cliente = make_cliente(make_cpf("321321321"), "Caio Novo", 33, "Natal", "RN")
    assert cliente.pk not in _ids({"cidade": "cuiaba"})
    Endereco.objects.create(
        cliente=cliente, cep="78000000", logradouro="Rua A", numero="1", bairro="Centro",
        cidade="Cuiabá", uf="MT", principal=False,
    )  # fmt: skip
    assert cliente.pk in _ids({"cidade": "cuiaba", "uf": "MT"})
    assert cliente.pk in _ids({"cidade": "cuiaba"})
    assert cliente.pk not in _ids({"cidade": "cuiaba", "uf": "RN"})
