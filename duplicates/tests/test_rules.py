"""Each rule of clientes.duplicates, its empty-value trap, and incremental runs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clientes import duplicates as rules
from clientes.duplicates import Motivo
from clientes.models import Cliente
from common.br import is_valid_cpf
from duplicates.models import ParDuplicado
from duplicates.services import duplicates_refresh
from duplicates.tests.helpers import make, typo_pair

pytestmark = pytest.mark.django_db


def _pairs() -> dict[tuple[int, int], set[str]]:
    return {(p.cliente_a_id, p.cliente_b_id): set(p.motivos) for p in ParDuplicado.objects.all()}


def _key(x, y):
    return tuple(sorted((x.pk, y.pk)))


def test_one_digit_off_cpf_with_similar_name_is_a_pair():
    cpf, typo = typo_pair()
    a = make(cpf=cpf, nome="João Pedro Almeida", nascimento=date(1970, 2, 3))
    b = make(cpf=typo, nome="Joao Pedro de Almeida", nascimento=date(1991, 8, 9))
    duplicates_refresh()
    assert _pairs() == {_key(a, b): {Motivo.CPF_DIGITO}}


def test_transposed_cpf_digits_are_a_pair_and_unrelated_names_are_not():
    cpf, typo = typo_pair(transposed=True)
    a = make(cpf=cpf, nome="Thaís Sousa Ribeiro", nascimento=date(1970, 2, 3))
    b = make(cpf=typo, nome="Tais Souza Ribeiro", nascimento=date(1991, 8, 9))
    cpf2, typo2 = typo_pair()
    make(cpf=cpf2, nome="Carlos Eduardo Lima", nascimento=date(1960, 1, 1))
    make(cpf=typo2, nome="Fernanda Alves Torres", nascimento=date(1961, 1, 1))
    duplicates_refresh()
    assert _pairs() == {_key(a, b): {Motivo.CPF_TRANSPOSTO}}


@pytest.mark.parametrize("block_join_from", [1, 5_000])
def test_invalid_cpfs_are_never_compared(monkeypatch, block_join_from):
    monkeypatch.setattr(rules, "BLOCK_JOIN_FROM", block_join_from)
    cpf, _typo = typo_pair()
    make(cpf=cpf, nome="João Pedro Almeida", nascimento=date(1970, 2, 3))
    # One digit off, same name, but check digits that do not add up (a legacy
    # row: the CHECK constraint asks for 11 digits only).
    broken = next(v for d in "0123456789" if not is_valid_cpf(v := d + cpf[1:]) and v != cpf)
    make(cpf=broken, nome="João Pedro Almeida", nascimento=date(1950, 1, 1))
    duplicates_refresh()
    assert _pairs() == {}


def test_same_name_and_birth_date_but_other_cpf_is_a_pair():
    a = make(nome="Maria da Conceição Souza")
    b = make(nome="MARIA DA CONCEICAO SOUZA")
    make(nome="Maria da Conceição Souza", nascimento=date(1980, 5, 18))
    duplicates_refresh()
    assert _pairs() == {_key(a, b): {Motivo.NOME_NASCIMENTO}}


def test_same_mother_and_birth_date_is_a_pair():
    a = make(nome="Ana Paula Ferreira", nome_mae="Joana Ferreira Lima")
    b = make(nome="Paula Ferreira Santos", nome_mae="Joana Ferreira Lima")
    duplicates_refresh()
    assert _pairs() == {_key(a, b): {Motivo.MAE_NASCIMENTO}}


def test_same_phone_or_email_needs_a_similar_name():
    a = make(nome="Wellington Cavalcante", telefones=["11976543210"], email="w@ex.com.br",
             nascimento=date(1970, 1, 2))  # fmt: skip
    b = make(nome="Uelinton Cavalcanti", telefones=["11976543210"], email="W@EX.com.br",
             nascimento=date(1990, 3, 4))  # fmt: skip
    # His mother shares the phone and the e-mail: not the same person.
    make(nome="Rosângela Pereira", telefones=["11976543210"], email="w@ex.com.br",
         nascimento=date(1950, 6, 7))  # fmt: skip
    duplicates_refresh()
    assert _pairs() == {_key(a, b): {Motivo.TELEFONE_NOME, Motivo.EMAIL_NOME}}
    assert ParDuplicado.objects.get().score == 75


@pytest.mark.parametrize(
    "shared",
    [
        {"email": ""},
        {"email": "naotem@gmail.com"},
        {"telefones": ["11000000000"]},
        {"telefones": ["11999999999"]},
        {"nascimento": date(1900, 1, 1)},
        {"nascimento": None},
        {"nome_mae": ""},
        {"nome_mae": "Não informado"},
    ],
    ids=lambda v: next(iter(v)),
)
def test_empty_or_default_values_never_match(shared):
    # Similar names (so only the shared value is on trial) but no other rule:
    # different birth dates unless the date itself is the value on trial.
    base = {"email": "", "nome_mae": "", **shared}
    if "nascimento" not in shared:
        base_a, base_b = date(1971, 1, 1), date(1982, 2, 2)
    else:
        base_a = base_b = shared["nascimento"]
    rest = {k: v for k, v in base.items() if k != "nascimento"}
    make(nome="Maria Souza", nascimento=base_a, **rest)
    make(nome="Maria Souza", nascimento=base_b, **rest)
    duplicates_refresh()
    assert _pairs() == {}


def test_a_value_shared_by_many_clients_identifies_nobody():
    for _ in range(7):  # a switchboard number on seven records of one family name
        make(nome="José Carlos Souza", telefones=["1133334444"], nascimento=None)
    duplicates_refresh()
    assert _pairs() == {}


def test_incremental_run_compares_only_changed_clients_and_keeps_dismissals():
    a = make(nome="Paulo Roberto Nunes", nascimento=date(1975, 4, 4))
    b = make(nome="Paulo Roberto Nunes", nascimento=date(1975, 4, 4))
    c = make(nome="Pedro Henrique Dias", nascimento=date(1988, 8, 8))
    first = duplicates_refresh()
    assert first.completa and first.comparados == 3
    assert _pairs() == {_key(a, b): {Motivo.NOME_NASCIMENTO}}
    # Everyone but the next change is older than the watermark's overlap.
    long_ago = timezone.now() - timedelta(days=1)
    Cliente.objects.update(created_at=long_ago, updated_at=long_ago)
    ParDuplicado.objects.update(dispensado_em=timezone.now())  # "não é duplicado"
    c.nome_completo, c.data_nascimento = "Paulo Roberto Nunes", date(1975, 4, 4)
    c.save()
    second = duplicates_refresh()
    assert not second.completa and second.comparados == 1
    pairs = {(p.cliente_a_id, p.cliente_b_id): p.dispensado for p in ParDuplicado.objects.all()}
    assert pairs == {_key(a, b): True, _key(a, c): False, _key(b, c): False}
    # The change undone: its pairs go; the dismissed one stays dismissed.
    c.nome_completo = "Pedro Henrique Dias"
    c.save()
    duplicates_refresh()
    assert list(ParDuplicado.objects.values_list("dispensado_em", flat=True)) != [None]
    assert set(_pairs()) == {_key(a, b)}


@pytest.mark.parametrize("transposed", [False, True])
def test_cpf_typos_are_found_by_probes_and_by_block_joins(monkeypatch, transposed):
    # Many targets join CPF blocks; few probe the CPF index with each
    # target's variants: both must find the same pairs.
    assert duplicates_refresh().completa
    cpf, typo = typo_pair(transposed=transposed)
    a = make(cpf=cpf, nome="Luiz Henrique Queiroz", nascimento=date(1970, 2, 3))
    b = make(cpf=typo, nome="Luis Henrique Keiroz", nascimento=date(1991, 8, 9))
    run = duplicates_refresh()
    assert not run.completa and run.comparados == 2
    motivo = Motivo.CPF_TRANSPOSTO if transposed else Motivo.CPF_DIGITO
    assert _pairs() == {_key(a, b): {motivo}}
    monkeypatch.setattr(rules, "BLOCK_JOIN_FROM", 1)  # as with 5,000 targets or more
    duplicates_refresh(full=True)
    assert _pairs() == {_key(a, b): {motivo}}
