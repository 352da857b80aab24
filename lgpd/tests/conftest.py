"""Fixtures of the LGPD tests: the Encarregado logged in, clients with address and phone."""

import pytest

from clientes import services as clientes_services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data


@pytest.fixture
def encarregado_client(client, encarregado):
    client.force_login(encarregado)
    return client


def make_cliente(**data):
    """Create a client with one address and one phone through the service."""
    return clientes_services.cliente_create(
        actor=None,
        data=cliente_data(**data),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )
