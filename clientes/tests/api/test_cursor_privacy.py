"""Keyset cursors reveal no personal data and cannot be forged (#13 §1)."""

import base64
import binascii
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing

from clientes import services
from clientes.tests.factories import cliente_data
from common.br import format_cpf

pytestmark = pytest.mark.django_db

URL = "/api/v1/clients/search"


@pytest.fixture
def clientes():
    return [
        services.cliente_create(
            actor=None, data=cliente_data(nome_completo=f"Joana Cursora {i:02d}")
        )
        for i in range(12)
    ]


def _cursor(next_url: str) -> str:
    return parse_qs(urlsplit(next_url).query)["cursor"][0]


def _decoded(token: str) -> bytes:
    """Return every base64 piece of the token decoded (as someone curious would)."""
    decoded = b""
    for piece in re.split(r"[:.]", token):
        try:
            decoded += base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))
        except (binascii.Error, ValueError):
            continue
    return decoded


@pytest.mark.parametrize("ordering", ["cpf", "-cpf", "nome_completo", "data_nascimento"])
def test_cursor_holds_no_personal_data_when_decoded(client, gerente, clientes, ordering):
    client.force_login(gerente)
    params = {"q": "joana cursora", "cursor": "", "size": 10, "ordering": ordering}
    data = client.get(URL, params).json()
    token = _cursor(data["next"])
    shown = [token, _decoded(token).decode("latin-1")]
    for cliente in clientes:
        for secret in (cliente.cpf, format_cpf(cliente.cpf), "Joana", "joana", "1980-05-17"):
            assert not any(secret in text for text in shown), (secret, ordering)
    assert not any(b in _decoded(token) for b in (b'"k"', b'"o"', ordering.encode() + b'"'))
    # ... and the walk still works: the second page follows the first.
    second = client.get(data["next"]).json()
    assert len(second["results"]) == 2
    first_ids = {row["id_cliente"] for row in data["results"]}
    assert not first_ids & {row["id_cliente"] for row in second["results"]}


def test_a_changed_or_forged_cursor_is_400(client, gerente, clientes):
    client.force_login(gerente)
    params = {"q": "joana cursora", "cursor": "", "size": 10, "ordering": "cpf"}
    token = _cursor(client.get(URL, params).json()["next"])
    middle = len(token) // 2
    changed = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    last = sorted(c.cpf for c in clientes)[0]
    # The signed-but-readable cursors of before, even with a valid signature.
    readable = signing.dumps({"o": "cpf", "k": [last, 1]}, salt="clientes.api.search.cursor")
    for cursor in (changed, readable, "forged", "ñ"):
        response = client.get(URL, {**params, "cursor": cursor})
        assert response.status_code == 400, cursor
        assert "Cursor inválido" in response.content.decode()
