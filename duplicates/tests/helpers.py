"""Builders shared by the duplicates tests: clients, and CPFs that differ by a typo."""

import itertools
from datetime import date

from clientes.models import Cliente, Endereco, Telefone
from common.br import cpf_check_digits, is_valid_cpf

_bases = itertools.count(200_000_001)


def fresh_cpf() -> str:
    base = f"{next(_bases):09d}"
    return base + cpf_check_digits(base)


def _variants(cpf: str, transposed: bool):
    if transposed:
        for p in range(10):
            if cpf[p] != cpf[p + 1]:
                yield cpf[:p] + cpf[p + 1] + cpf[p] + cpf[p + 2 :]
        return
    for p in range(11):
        for d in "0123456789":
            if d != cpf[p]:
                yield cpf[:p] + d + cpf[p + 1 :]


def typo_pair(*, transposed: bool = False) -> tuple[str, str]:
    """Return two valid CPFs one digit apart (or with two neighbours swapped)."""
    while True:
        cpf = fresh_cpf()
        for other in _variants(cpf, transposed):
            if is_valid_cpf(other) and len(set(other)) > 1:
                return cpf, other


def make(nome="Maria da Conceição Souza", nascimento=date(1980, 5, 17), telefones=(), enderecos=(),
         **extra) -> Cliente:  # fmt: skip
    extra.setdefault("cpf", fresh_cpf())
    cliente = Cliente.objects.create(nome_completo=nome, data_nascimento=nascimento, **extra)
    for i, numero in enumerate(telefones):
        Telefone.objects.create(cliente=cliente, tipo="celular", numero=numero, principal=i == 0)
    for i, (cep, logradouro, numero) in enumerate(enderecos):
        Endereco.objects.create(
            cliente=cliente, cep=cep, logradouro=logradouro, numero=numero,
            cidade="São Paulo", uf="SP", principal=i == 0,
        )  # fmt: skip
    return cliente
