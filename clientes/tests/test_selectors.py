from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clientes.models import Cliente, Endereco
from clientes.selectors import cliente_get_by_cpf, cliente_search


def _cliente(cpf, nome, nascimento, cidade="São Paulo", uf="SP", ativo=True):
    cliente = Cliente.objects.create(
        cpf=cpf, nome_completo=nome, data_nascimento=nascimento, ativo=ativo, sexo="F"
    )
    Endereco.objects.create(
        cliente=cliente, cep="01310100", logradouro="Av. Paulista", cidade=cidade, uf=uf,
        principal=True,
    )  # fmt: skip
    return cliente


@pytest.fixture
def clientes(db):
    today = date.today()
    return {
        "joao": _cliente("52998224725", "João da Silva Santos", date(today.year - 40, 1, 1)),
        "conceicao": _cliente(
            "11144477735", "Maria Conceição", date(today.year - 25, 1, 1), "Goiânia", "GO"
        ),
        "inativo": _cliente(
            "39053344705", "Pedro Souza", date(today.year - 70, 1, 1), "Recife", "PE", ativo=False
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"joao", "conceicao", "inativo"}),
        ({"nome": "joao silva"}, {"joao"}),
        ({"nome": "conceicao"}, {"conceicao"}),
        ({"cpf": "529.982.247-25"}, {"joao"}),
        ({"cpf": "111"}, {"conceicao"}),
        ({"cidade": "goiania"}, {"conceicao"}),
        ({"uf": "PE"}, {"inativo"}),
        ({"status": "ativo"}, {"joao", "conceicao"}),
        ({"status": "inativo"}, {"inativo"}),
        ({"idade_min": 30, "idade_max": 45}, {"joao"}),
        ({"idade_min": 60}, {"inativo"}),
        ({"nome": "maria", "uf": "SP"}, set()),
    ],
)
def test_cliente_search_filters(clientes, params, expected):
    ids = set(cliente_search(user=None, params=params).values_list("id_cliente", flat=True))
    assert ids == {clientes[name].id_cliente for name in expected}


def test_cliente_search_orders_with_stable_tie_break(clientes):
    names = list(
        cliente_search(user=None, params={"ordering": "-nome_completo"}).values_list(
            "nome_completo", flat=True
        )
    )
    assert names == ["Pedro Souza", "Maria Conceição", "João da Silva Santos"]


@pytest.mark.parametrize(
    "params", [{"uf": "XX"}, {"idade_min": "abc"}, {"ordering": "password"}, {"status": "x"}]
)
def test_cliente_search_rejects_invalid_params(clientes, params):
    with pytest.raises(ValidationError):
        cliente_search(user=None, params=params)


def test_cliente_get_by_cpf(clientes):
    assert cliente_get_by_cpf(user=None, cpf="52998224725") == clientes["joao"]
    assert cliente_get_by_cpf(user=None, cpf="00000000191") is None
