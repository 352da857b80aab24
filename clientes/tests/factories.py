"""Valid client data for tests (CPFs with real check digits)."""

import itertools

from common.br import cpf_check_digits

_seq = itertools.count(100000001)


def new_cpf() -> str:
    """Return a fresh valid CPF (11 digits)."""
    base = f"{next(_seq):09d}"
    return base + cpf_check_digits(base)


def cliente_data(**overrides) -> dict:
    data = {
        "cpf": new_cpf(),
        "nome_completo": "Maria da Conceição Souza",
        "nome_social": "",
        "data_nascimento": "1980-05-17",
        "sexo": "F",
        "nome_mae": "Ana Souza",
        "email": "maria@example.com",
    }
    data.update(overrides)
    return data


def endereco_data(**overrides) -> dict:
    data = {
        "cep": "01310-100",
        "logradouro": "Avenida Paulista",
        "numero": "1000",
        "complemento": "",
        "bairro": "Bela Vista",
        "cidade": "São Paulo",
        "uf": "SP",
        "principal": True,
    }
    data.update(overrides)
    return data


def telefone_data(**overrides) -> dict:
    data = {"tipo": "celular", "numero": "(11) 99876-5432", "principal": True}
    data.update(overrides)
    return data
