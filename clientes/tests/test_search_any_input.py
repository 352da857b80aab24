"""Any input to any search parameter gets an answer, never a 5xx.

On the screen, both API endpoints (the list and the search) and exports; a
name made only of punctuation is refused with a message, and ``%``, ``_``
and ``\\`` mean themselves, never a wildcard. The fuzz test sends generated
values of every search parameter to real PostgreSQL.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientes.filters import ClienteFilterSet
from clientes.tests.search_fixtures import make_cliente, make_cpf

SCREEN = "/clientes/"
SEARCH = "/api/v1/clients/search"
CLIENTS = "/api/v1/clients/"
EXPORT = "/api/v1/clients/export?format=csv"
# The inputs of the issue, and their kin.
NO_WORD = ["\\", "(.*)+$", "%", "_", "'", "-", "%%", "' --", "\u2019", "\u00b4`", "...", "\\%_"]


@pytest.fixture
def clientes(db):
    return [
        make_cliente(make_cpf("111444777"), "Ana Souza", 30, email="a_b@exemplo.com"),
        make_cliente(make_cpf("529982247"), "João Silva", 40, email="axb@exemplo.com"),
        make_cliente(make_cpf("123456789"), "Maria D'Ávila", 50, email="a%c@exemplo.com"),
    ]


@pytest.fixture
def api(client, analista):
    client.force_login(analista)
    return client


def _export(api, params):
    return api.post(EXPORT, json.dumps(params), content_type="application/json")


@pytest.mark.parametrize("name", ["q", "nome", "nome_mae", "cidade"])
@pytest.mark.parametrize("value", NO_WORD)
def test_a_name_of_no_word_is_a_400_with_a_message_everywhere(api, clientes, name, value):
    params = {name: value}
    screen = api.get(SCREEN, params)
    assert screen.status_code == 400
    assert "Digite ao menos uma letra ou um número." in screen.content.decode()
    for response in (api.get(SEARCH, params), api.get(CLIENTS, params), _export(api, params)):
        assert response.status_code == 400
        assert "Digite ao menos uma letra ou um número." in response.content.decode()


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("a_b", {"a_b@exemplo.com"}),
        ("a%", {"a%c@exemplo.com"}),
        ("%", set()),
        ("_", set()),
        ("\\", set()),
        ("a\\", set()),
    ],
)
def test_like_wildcards_mean_themselves(api, clientes, email, expected):
    emails = {c.email: c.id_cliente for c in clientes}
    wanted = {emails[e] for e in expected}
    for url in (SEARCH, CLIENTS):
        found = api.get(url, {"email": email}).json()["results"]
        assert {r["id_cliente"] for r in found} == wanted
    # In the box, with the "@" that makes it an e-mail.
    found = api.get(SEARCH, {"q": f"{email}@"}).json()["results"]
    assert {r["id_cliente"] for r in found} == {
        pk for e, pk in emails.items() if e.startswith(f"{email}@")
    }


HOSTILE = [
    *NO_WORD,
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 40,
    "31/02/1985",
    "maria 00/00/0000",
    "maria mãe",
    "mãe %",
    "1985-13-45",
    "99999999999999999999",
    "%' OR 1=1 --",
    "ana:* | b",
    "!(a & b)",
    "<script>",
    "x" * 300,
    "@",
    "@@",
    "(11)",
    "+55",
    "123.456.789-0",
]
PARAMETERS = sorted({*ClienteFilterSet.base_filters, "page", "size"})
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.from_regex(r"[\d./ -]{0,16}"))


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), values, min_size=1, max_size=4))
def test_fuzzing_every_search_parameter_finds_no_5xx(api, clientes, params):
    responses = {
        "screen": api.get(SCREEN, params),
        "search": api.get(SEARCH, params),
        "cursor": api.get(SEARCH, {**params, "cursor": ""}),
        "list": api.get(CLIENTS, params),
        "export": _export(api, params),
    }
    for where, response in responses.items():
        assert response.status_code < 500, (where, params, response.content[:500])
