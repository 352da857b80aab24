"""Fixtures of the LGPD tests: an Encarregado and clients with everything a report shows."""

import pytest

from accounts.roles import ENCARREGADO
from clientes import services as clientes_services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from conftest import _make_user


@pytest.fixture
def encarregado(db, roles, django_user_model):
    return _make_user(django_user_model, "encarregado@teste.com.br", ENCARREGADO)


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
