"""Names as analysts type them: apostrophes, hyphens, particles and Brazilian spellings.

Clients are created through the API, then searched on the screen and both API
endpoints the way a hurried analyst types.
"""

import json

import pytest
from django.db import connection

from clientes.tests.factories import cliente_data, endereco_data, telefone_data

CLIENTS = "/api/v1/clients/"
SEARCH = "/api/v1/clients/search"
SCREEN = "/clientes/"

# Spellings of one name that must find each other, in both directions.
ALIKE = [
    ["Sousa", "Souza"],
    ["Luís", "Luiz"],
    ["Thaís", "Tais", "Thays"],
    ["Elaine", "Elayne"],
    ["Walter", "Valter"],
    ["Wellington", "Welington", "Uelinton"],
    ["Kátia", "Cátia"],
    ["Rafael", "Raphael"],
    ["Jonathan", "Jhonatan", "Johnatan"],
    ["Gisele", "Giselle", "Gisely"],
    ["Cavalcanti", "Cavalcante"],
    ["Queiroz", "Keiroz"],
    ["Conceição", "Conseissão"],
    ["Sampaio", "Sanpaio"],
]
# Different names that must stay apart.
DIFFERENT = [
    ("Maria", "Mario"),
    ("Paulo", "Paula"),
    ("Luís", "Luísa"),
    ("Marcia", "Marta"),
    ("Gilberto", "Guilherme"),
    ("Silva", "Sales"),
]


def _key(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT gc_fonetica(gc_search_text(%s))", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("group", ALIKE, ids=lambda g: "/".join(g))
def test_spellings_of_one_name_share_a_phonetic_key(group):
    assert len({_key(name) for name in group}) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_keep_different_keys(one, other):
    assert _key(one) != _key(other)


@pytest.fixture
def api(client, administrador):
    client.force_login(administrador)
    return client


def _create(api, nome, *, nascimento="1980-05-17", nome_mae="Ana Souza", cidade="São Paulo"):
    data = cliente_data(nome_completo=nome, data_nascimento=nascimento, nome_mae=nome_mae)
    data["enderecos"] = [endereco_data(cidade=cidade)]
    data["telefones"] = [telefone_data()]
    response = api.post(CLIENTS, json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id_cliente"]


def _found(api, **params) -> list[int]:
    response = api.get(SEARCH, params)
    assert response.status_code == 200, response.content
    return [row["id_cliente"] for row in response.json()["results"]]


@pytest.fixture
def punctuated(api):
    return {
        "ana": _create(api, "Ana-Luísa D'Ávila Müller"),
        "raimunda": _create(api, "Raimunda Nonata Sant'Anna Vasconcelos"),
        "other": _create(api, "Ana Paula Ávila Santos"),
    }


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("ana-luísa d ávila müller", "ana"),
        ("ana luisa d avila muller", "ana"),
        ("d avila muller", "ana"),
        ("d'avila muller", "ana"),
        ("davila muller", "ana"),
        ("d\u2019ávila müller", "ana"),
        ("analuisa davila", "ana"),
        ("ana luisa muller", "ana"),
        ("raimunda nonata sant anna vasconcelos", "raimunda"),
        ("raimunda santanna", "raimunda"),
        ("raimunda sant'anna", "raimunda"),
        ("nonata anna", "raimunda"),
    ],
)
def test_apostrophes_hyphens_and_spaces_typed_any_way(api, punctuated, typed, who):
    assert _found(api, q=typed)[0] == punctuated[who]
    assert punctuated[who] in _found(api, nome=typed)


@pytest.mark.parametrize("group", ALIKE, ids=lambda g: "/".join(g))
def test_each_spelling_finds_the_others_in_the_box_and_both_endpoints(api, group):
    ids = {spelling: _create(api, f"{spelling} Teixeira") for spelling in group}
    for typed in group:
        for found in ids.values():
            assert found in _found(api, q=f"{typed} teixeira")
            assert found in _found(api, nome=f"{typed} teixeira")
        listed = api.get(CLIENTS, {"nome": f"{typed} teixeira"}).json()["results"]
        assert {row["id_cliente"] for row in listed} == set(ids.values())


@pytest.fixture
def souzas(api):
    exact = [_create(api, f"João Souza {n:02d}") for n in range(12)]
    alike = _create(api, "João Sousa")
    return exact, alike


def test_a_spelling_alike_ranks_after_every_exact_match_and_is_marked(api, souzas):
    exact, alike = souzas
    data = api.get(SEARCH, {"q": "joao souza", "size": 10}).json()
    assert data["count"] == 13 and data["count_alike"] == 1
    assert [r["id_cliente"] for r in data["results"]] == exact[:10]
    assert not any(r["grafia_semelhante"] for r in data["results"])
    last = api.get(data["next"]).json()["results"]
    assert [r["id_cliente"] for r in last] == [*exact[10:], alike]
    assert [r["grafia_semelhante"] for r in last] == [False, False, True]
    # Typed the other way, the other client is the exact one.
    data = api.get(SEARCH, {"q": "joao sousa"}).json()
    assert data["results"][0]["id_cliente"] == alike and data["count_alike"] == 12


def test_the_screen_marks_spellings_alike_and_says_the_count_includes_them(api, souzas):
    html = api.get(SCREEN, {"q": "joao souza"}).content.decode()
    assert "13 clientes encontrados" in html
    assert "Inclui 1 cliente com grafia semelhante do nome" in html
    assert html.count('class="badge badge-alike"') == 1
    html = api.get(SCREEN, {"q": "joao souza 01"}).content.decode()
    assert "grafia semelhante" not in html


def test_the_cursor_pages_mark_spellings_alike_too(api, souzas):
    _exact, alike = souzas
    rows = api.get(SEARCH, {"q": "joao souza", "cursor": ""}).json()["results"]
    assert {r["id_cliente"] for r in rows if r["grafia_semelhante"]} == {alike}


@pytest.fixture
def namesakes(api):
    others = [
        _create(api, "Maria Silva", nascimento=f"19{60 + n}-01-01", nome_mae="Rita Lima")
        for n in range(11)
    ]
    wanted = _create(
        api, "Maria Silva", nascimento="1985-04-12", nome_mae="Conceição Alves", cidade="Goiânia"
    )
    return others, wanted


@pytest.mark.parametrize(
    "params",
    [
        {"q": "maria silva 12/04/1985"},
        {"q": "maria silva 1985-04-12"},
        {"q": "12/04/1985 maria silva"},
        {"q": "maria silva mae conceicao"},
        {"q": "maria silva mãe Conceição Alves"},
        {"q": "maria silva 12/04/1985 mae conceicao"},
        {"q": "maria silva", "data_nascimento": "12/04/1985"},
        {"q": "maria silva", "data_nascimento": "1985-04-12"},
        {"nome": "maria silva", "data_nascimento": "12/04/1985"},
    ],
)
def test_a_birth_date_or_mothers_name_picks_one_namesake(api, namesakes, params):
    _others, wanted = namesakes
    assert _found(api, **params) == [wanted]
    listed = api.get(CLIENTS, params).json()["results"]
    assert [row["id_cliente"] for row in listed] == [wanted]
    html = api.get(SCREEN, params).content.decode()
    assert "1 cliente encontrado" in html


def test_a_birth_date_typed_alone_in_the_box_is_a_birth_date(api, namesakes):
    _others, wanted = namesakes
    assert _found(api, q="12/04/1985") == [wanted]


def test_an_export_takes_the_birth_date(api, namesakes):
    response = api.post(
        "/api/v1/clients/export?format=csv",
        {"q": "maria silva", "data_nascimento": "12/04/1985", "fields": ["nome_completo"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == ["Nome completo", "Maria Silva"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"data_nascimento": "31/02/1985"}, "Informe uma data válida"),
        ({"data_nascimento": "1985"}, "Informe uma data válida"),
        ({"q": "maria 31/02/1985"}, "Data de nascimento inválida"),
        ({"q": "maria 12/04/1985 13/04/1985"}, "Digite uma só data de nascimento"),
    ],
)
def test_a_bad_birth_date_is_a_400_with_a_message(api, db, params, message):
    response = api.get(SEARCH, params)
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert api.get(SCREEN, params).status_code == 400


def test_a_page_of_namesakes_suggests_how_to_narrow_with_the_fields_one_click_away(api, namesakes):
    html = api.get(SCREEN, {"q": "maria silva", "size": 10}).content.decode()
    assert "12 clientes combinam igualmente bem com o nome digitado" in html
    for field in ("id_data_nascimento", "id_nome_mae", "id_cidade"):
        assert f'href="#{field}" class="narrow-link button" data-focus="{field}"' in html
        assert f'id="{field}"' in html  # the field the link opens is on the page
    # A criterion already used is not suggested again; a page that holds them all says nothing.
    html = api.get(SCREEN, {"q": "maria silva", "size": 10, "cidade": "sao paulo"}).content
    assert b"narrow-link" in html and b'data-focus="id_cidade"' not in html
    assert b"narrow-hint" not in api.get(SCREEN, {"q": "maria silva", "size": 20}).content


def test_punctuation_beside_a_birth_date_is_not_a_name(api, namesakes):
    _others, wanted = namesakes
    assert _found(api, q="%% 12/04/1985") == [wanted]
