"""The search rules, as tables of params -> expected clients, on real PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from clientes.filters import normalize_params
from clientes.models import Cliente
from clientes.search import counts, parsing
from clientes.selectors import cliente_search, cliente_search_keyset, cliente_search_page
from clientes.tests.search_fixtures import make_cliente, make_cpf, search_clients


@pytest.fixture
def clientes(db):
    return search_clients()


def _ids(params):
    return set(cliente_search(user=None, params=params).values_list("id_cliente", flat=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"joao", "conceicao", "davila", "maria_silva"}),
        # The one box: names (any order, partial, accents, case, apostrophes)
        ({"q": "joao silva"}, {"joao"}),
        ({"q": "silva joao"}, {"joao"}),
        ({"q": "JOÃO"}, {"joao"}),
        ({"q": "joao da silva"}, {"joao"}),
        ({"q": "mari silv"}, {"maria_silva"}),
        ({"q": "maria"}, {"conceicao", "maria_silva"}),
        ({"q": "conceicao"}, {"conceicao"}),
        ({"q": "d'avila"}, {"davila"}),
        ({"q": "davila"}, {"davila"}),
        ({"q": "D\u2019Ávila"}, {"davila"}),
        ({"q": "ilva"}, set()),  # word prefixes, not arbitrary substrings
        # The one box: CPF, phone, e-mail
        ({"q": "529.982.247-25"}, {"joao"}),
        ({"q": "52998224725"}, {"joao"}),
        ({"q": " 529.982 "}, {"joao"}),
        ({"q": "5299"}, {"joao"}),
        ({"q": "(11) 98765-4321"}, {"joao"}),
        ({"q": "98765-4321"}, {"joao"}),
        ({"q": "11987654321"}, {"joao"}),
        ({"q": "+55 62 3333-4444"}, {"conceicao"}),
        ({"q": "joao.silva@gmail.com"}, {"joao"}),
        ({"q": "JOAO.SILVA@"}, {"joao"}),
        # Filters
        ({"cpf": "529.982.247-25"}, {"joao"}),
        ({"cpf": "111"}, {"conceicao"}),
        ({"nome": "maria"}, {"conceicao", "maria_silva"}),
        ({"nome_mae": "francisca davila"}, {"davila"}),
        ({"nome_mae": "conceicao"}, {"joao"}),
        ({"cidade": "goiania"}, {"conceicao"}),
        ({"cidade": "SÃO PAULO"}, {"joao", "maria_silva"}),  # any address
        ({"cidade": "sao paulo", "uf": "RJ"}, set()),  # one address must match both
        ({"cidade": "rio de janeiro", "uf": "RJ"}, {"maria_silva"}),
        ({"uf": "PE"}, {"davila"}),
        ({"status": "ativo"}, {"joao", "conceicao", "maria_silva"}),
        ({"status": "inativo"}, {"davila"}),
        ({"status": "todos"}, {"joao", "conceicao", "davila", "maria_silva"}),
        ({"sexo": "M"}, {"joao", "davila"}),
        ({"idade_min": 30, "idade_max": 45}, {"joao", "maria_silva"}),
        ({"idade_min": 60}, {"davila"}),
        ({"idade_max": 25}, {"conceicao"}),
        ({"email": "maria.c"}, {"conceicao"}),
        ({"telefone": "(62) 3333-4444"}, {"conceicao"}),
        ({"telefone": "33334444"}, {"conceicao"}),
        ({"cep": "01310-100"}, {"joao"}),
        ({"cep": "7400"}, {"conceicao"}),
        ({"criado_de": "2025-01-01", "criado_ate": "2025-01-31"}, {"joao"}),
        ({"criado_ate": "2025-01-10"}, {"joao"}),
        # Combinations
        ({"q": "maria", "uf": "GO"}, {"conceicao"}),
        ({"q": "maria", "idade_min": 30}, {"maria_silva"}),
        ({"q": "souza", "status": "ativo"}, set()),
        ({"nome": "silva", "sexo": "M", "cidade": "sao paulo"}, {"joao"}),
        # Hostile input means itself: never a wildcard, never everyone
        ({"q": "' OR 1=1 --"}, set()),
        ({"q": "maria%"}, {"conceicao", "maria_silva"}),  # punctuation is not part of names
        ({"email": "%@%"}, set()),
        ({"email": "%"}, set()),
        ({"email": "_"}, set()),
        ({"email": "\\"}, set()),
        ({"q": "_@"}, set()),
    ],
)
def test_search_filters(clientes, params, expected):
    assert _ids(params) == {clientes[name].id_cliente for name in expected}


@pytest.mark.parametrize(
    "params",
    [
        {"uf": "XX"},
        {"idade_min": "abc"},
        {"idade_min": 50, "idade_max": 20},
        {"ordering": "password"},
        {"status": "x"},
        {"cpf": "abc"},
        {"cpf": "1234567890123"},
        {"telefone": "123"},
        {"cep": "1"},
        {"nome": "x" * 10_000},
        {"q": "x" * 201},
        {"nome": "a\x00b"},
        {"criado_de": "2025-13-01"},
        {"criado_de": "2025-02-01", "criado_ate": "2025-01-01"},
    ],
)
def test_invalid_params_are_rejected_with_a_message(clientes, params):
    with pytest.raises(ValidationError) as error:
        cliente_search(user=None, params=params)
    assert all(error.value.message_dict.values())


@pytest.mark.parametrize(
    ("page", "size"), [(0, 50), ("abc", 50), (1, 1000), (1, 5), (1, "x"), (201, 50), (101, 100)]
)
def test_invalid_pages_are_rejected(clientes, page, size):
    with pytest.raises(ValidationError):
        cliente_search_page(user=None, params={"q": "maria"}, page=page, size=size)


def test_deep_page_within_the_cap_is_allowed(clientes):
    result = cliente_search_page(user=None, params={"q": "maria"}, page=200, size=50)
    assert result.rows == [] and result.count == 2


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("nome_completo", ["joao", "conceicao", "maria_silva", "davila"]),
        ("-nome_completo", ["davila", "maria_silva", "conceicao", "joao"]),
        ("idade", ["conceicao", "maria_silva", "joao", "davila"]),
        ("-idade", ["davila", "joao", "maria_silva", "conceicao"]),
        ("cpf", ["conceicao", "maria_silva", "davila", "joao"]),
        ("-created_at", ["davila", "conceicao", "maria_silva", "joao"]),
        # City of the principal address, accent-insensitive ("Goiânia" < "Recife").
        ("cidade", ["conceicao", "davila", "maria_silva", "joao"]),
        ("-cidade", ["joao", "maria_silva", "davila", "conceicao"]),
        # Actives first; ties by code in the same direction.
        ("status", ["maria_silva", "conceicao", "joao", "davila"]),
        ("-status", ["davila", "joao", "conceicao", "maria_silva"]),
    ],
)
def test_orderings(clientes, ordering, expected):
    params = {"status": "todos", "ordering": ordering}
    ids = list(cliente_search(user=None, params=params).values_list("id_cliente", flat=True))
    assert ids == [clientes[name].id_cliente for name in expected]
    page = cliente_search_page(user=None, params={**params, "idade_min": 0}, size=10)
    assert [row["id_cliente"] for row in page.rows] == ids


@pytest.fixture
def namesakes(db):
    """25 clients with the same name: only the tie-break orders them."""
    return [
        make_cliente(make_cpf(f"{200000000 + i}"), "Ana Teste", 30, telefone="") for i in range(25)
    ]


@pytest.mark.parametrize("ordering", ["nome_completo", "-nome_completo", "idade", "-cpf"])
def test_pages_never_repeat_or_skip_a_client(namesakes, ordering):
    params = {"q": "ana teste", "ordering": ordering}
    seen = []
    for page in (1, 2, 3):
        result = cliente_search_page(user=None, params=params, page=page, size=10)
        seen += [row["id_cliente"] for row in result.rows]
        assert result.has_next == (page < 3)
    assert sorted(seen) == sorted(c.id_cliente for c in namesakes)
    assert seen == list(cliente_search(user=None, params=params).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "ordering", ["id_cliente", "nome_completo", "-idade", "cpf", "cidade", "-cidade", "status"]
)
def test_keyset_walks_every_client_once(namesakes, ordering):
    params = {"q": "ana", "ordering": ordering}
    seen, after = [], None
    while True:
        page = cliente_search_keyset(user=None, params=params, after=after, size=10)
        seen += [row["id_cliente"] for row in page.rows]
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == list(cliente_search(user=None, params=params).values_list("pk", flat=True))


def test_page_rows_carry_the_essentials(clientes):
    result = cliente_search_page(user=None, params={"q": "joao"})
    assert result.count == 1 and result.count_exact
    row = result.rows[0]
    assert row["cpf"] == clientes["joao"].cpf
    assert (row["nome_completo"], row["idade"], row["cidade"], row["uf"]) == (
        "João da Silva Santos",
        40,
        "São Paulo",
        "SP",
    )
    assert row["ativo"] is True and row["sexo"] == "M"


def test_facets_count_each_category_of_the_search(clientes):
    result = cliente_search_page(user=None, params={"q": "maria"})
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in result.facets}
    assert facets == {
        "status": {"ativo": 2},
        "uf": {"GO": 1, "RJ": 1},  # the principal address
        "sexo": {"F": 2},
        "idade": {"18-29": 1, "30-44": 1},
    }
    assert all(v["exact"] for f in result.facets for v in f["values"])


def test_past_the_cap_counts_are_flagged_and_pages_stay_stable(namesakes, monkeypatch):
    monkeypatch.setattr(counts, "COUNT_CAP", 20)
    first = cliente_search_page(user=None, params={"q": "ana teste"}, page=1, size=10)
    second = cliente_search_page(user=None, params={"q": "ana teste"}, page=2, size=10)
    assert (first.count, first.count_exact) == (21, False)
    assert not any(v["exact"] for f in first.facets for v in f["values"])
    # The estimate never drops below what was seen.
    assert {v["value"]: v["count"] for v in first.facets[0]["values"]}["ativo"] >= 21
    assert not second.has_next  # row 21 is past the navigable cap
    ids = [r["id_cliente"] for r in first.rows + second.rows]
    assert len(set(ids)) == 20
    with pytest.raises(ValidationError):
        cliente_search_page(user=None, params={"q": "ana teste"}, page=3, size=10)


def test_a_name_that_finds_nothing_suggests_the_closest(clientes):
    result = cliente_search_page(user=None, params={"q": "maria sliva"})
    assert result.count == 0
    assert result.suggestions == ["maria silva"]
    assert cliente_search_page(user=None, params={"q": "52998224799"}).suggestions == []


def test_a_search_without_criteria_lists_nobody(clientes):
    result = cliente_search_page(user=None, params={"status": "ativo", "ordering": "cpf"})
    assert not result.searched and result.rows == [] and result.count == 0


def test_full_cpf_searches_are_flagged(clientes):
    assert cliente_search_page(user=None, params={"q": "529.982.247-25"}).full_cpf
    assert cliente_search_page(user=None, params={"cpf": "52998224725"}).full_cpf
    assert not cliente_search_page(user=None, params={"q": "529.982"}).full_cpf


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"q": "529.982.247-25"}, {"q": "529.982.24725"}),
        ({"cpf": "529.982.247-25"}, {"cpf": "52998224725"}),
        ({"q": "João  da SILVA"}, {"q": "joao da silva"}),
        ({"nome": "D'Ávila"}, {"nome": "davila"}),
        ({"cidade": "São Paulo", "uf": "SP"}, {"uf": "SP", "cidade": "sao paulo"}),
        ({"q": "maria", "status": "todos", "ordering": "relevancia"}, {"q": "MARIA"}),
        ({"idade_min": "30"}, {"idade_min": 30}),
    ],
)
def test_normalize_params_gives_one_key_per_meaning(first, second):
    assert normalize_params(first) == normalize_params(second)


def test_normalize_params_keeps_different_searches_apart():
    assert normalize_params({"q": "529.982.247-25"}) != normalize_params({"q": "52998224725"})
    assert normalize_params({"q": "maria"}) != normalize_params({"nome": "maria"})
    assert normalize_params({"q": "%@"}) != normalize_params({"q": "_@"})


def test_normalized_params_search_the_same_clients(clientes):
    for params in ({"q": "Silva, João!"}, {"q": "(11) 98765-4321"}, {"cidade": "SÃO PAULO"}):
        assert _ids(dict(normalize_params(params))) == _ids(params)


def test_search_columns_follow_every_save(clientes):
    cliente = clientes["joao"]
    cliente.nome_completo = "João Ângelo"
    cliente.save()
    assert _ids({"q": "angelo joao"}) == {cliente.id_cliente}
    Cliente.objects.filter(pk=cliente.pk).update(nome_completo="Zé Ninguém")
    assert _ids({"q": "ze ninguem"}) == {cliente.id_cliente}


def test_fold_matches_the_database_function(db):
    from django.db import connection

    samples = ["D'Ávila", "CONCEIÇÃO", "Ji-Paraná", "São  João", "O\u2019Neill", "ação 2"]
    with connection.cursor() as cursor:
        for sample in samples:
            cursor.execute("SELECT gc_search_text(%s)", [sample])
            assert cursor.fetchone()[0] == parsing.fold(sample), sample


def test_search_page_is_plain_cacheable_data(clientes):
    from clientes.selectors import SearchPage
    from common.cache import codec

    result = cliente_search_page(user=None, params={"q": "maria"})
    assert SearchPage.from_data(codec.decode(codec.encode(result.as_data()))) == result


@pytest.mark.parametrize("ordering", ["cidade", "-cidade", "status", "-status"])
def test_keyset_and_pages_by_city_and_status_cover_everyone(db, ordering):
    """Cities repeat, some clients have no address (NULL city) and a few are inactive."""
    cities = [("Recife", "PE"), ("Goiânia", "GO"), ("Belém", "PA")]
    clientes = []
    for i in range(23):
        cidade, uf = cities[i % 3]
        cliente = make_cliente(
            make_cpf(f"{300000000 + i}"), "Bruno Teste", 30, cidade, uf, ativo=i % 4 != 0
        )
        if i % 5 == 0:
            cliente.enderecos.all().delete()
        clientes.append(cliente.pk)
    params = {"q": "bruno", "ordering": ordering}
    expected = list(cliente_search(user=None, params=params).values_list("pk", flat=True))
    assert sorted(expected) == sorted(clientes)

    seen, after = [], None
    while True:
        page = cliente_search_keyset(user=None, params=params, after=after, size=10)
        seen += [row["id_cliente"] for row in page.rows]
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == expected

    paged = []
    for number in (1, 2, 3):
        paged += [r["id_cliente"] for r in cliente_search_page(
            user=None, params=params, page=number, size=10
        ).rows]  # fmt: skip
    assert paged == expected
