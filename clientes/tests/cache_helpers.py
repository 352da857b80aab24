"""Builders shared by the cache tests."""

from contextlib import contextmanager
from datetime import date

from clientes.models import Cliente, Endereco, Telefone
from common.cache import store


@contextmanager
def cache_redis_refused(settings):
    """Point the cache at a port nobody listens on: every Redis call fails at once."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    store.reset_state()
    try:
        yield
    finally:
        store.reset_state()


def make_cliente(cpf="52998224725", nome="João da Silva", cidade="São Paulo", uf="SP", **extra):
    cliente = Cliente.objects.create(
        cpf=cpf, nome_completo=nome, data_nascimento=date(1980, 5, 17), sexo="M", **extra
    )
    Endereco.objects.create(
        cliente=cliente, cep="01310100", logradouro="Av. Paulista", numero="1000",
        cidade=cidade, uf=uf, principal=True,
    )  # fmt: skip
    Telefone.objects.create(cliente=cliente, tipo="celular", numero="11987654321", principal=True)
    return cliente
