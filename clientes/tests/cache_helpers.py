"""Builders shared by the cache tests."""

from datetime import date

from clientes.models import Cliente, Endereco, Telefone


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
