"""KPI "taxa de sucesso em pesquisas" (≥ 95%; our target ≥ 99%).

Hundreds of searches written the way analysts type them (no accents, lower
case, partial words, swapped order, masked and bare CPF, typos, mother's name,
city without accent, phone, e-mail), each labelled with the client it should
find, run against seeded clients. A search succeeds when that client is on the
first page, directly or after the "Você quis dizer" suggestion for its name.
"""

import random
from collections import Counter

import pytest

from clientes.br import format_cpf, format_phone
from clientes.models import Cliente
from clientes.search import PARTICLES, fold
from clientes.seed.loader import load_clients
from clientes.selectors import cliente_search_page

SEED_CLIENTS = 5_000
SAMPLED_CLIENTS = 50
TARGET = 0.99
# Spellings analysts mix up; the wrong one must still lead to the client.
VARIANTS = {
    "souza": "sousa", "sousa": "souza", "luiz": "luis", "luis": "luiz",
    "thiago": "tiago", "tiago": "thiago", "matheus": "mateus", "mateus": "matheus",
}  # fmt: skip


def _words(nome: str) -> list[str]:
    return [w for w in fold(nome).split() if w not in PARTICLES]


def _typo(nome: str, rng: random.Random) -> str:
    words = fold(nome).split()
    for i, word in enumerate(words):
        if word in VARIANTS:
            words[i] = VARIANTS[word]
            return " ".join(words)
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    j = rng.randrange(1, len(word) - 1)
    words[longest] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swap two letters
    return " ".join(words)


def labelled_searches(clientes, rng: random.Random) -> list[tuple[str, dict, Cliente]]:
    """Return (kind, params, expected client) for every sampled client."""
    cases = []
    for cliente in clientes:
        words = _words(cliente.nome_completo)
        endereco = cliente.enderecos.all()[0]
        telefone = cliente.telefones.all()[0]
        first, last = words[0], words[-1]
        cases += [
            ("nome sem acento", {"q": fold(cliente.nome_completo)}, cliente),
            ("palavras parciais", {"q": " ".join(w[:4] for w in words)}, cliente),
            ("ordem trocada", {"q": " ".join(reversed(words))}, cliente),
            ("CPF com máscara", {"q": format_cpf(cliente.cpf)}, cliente),
            ("CPF sem máscara", {"q": cliente.cpf}, cliente),
            ("erro de digitação", {"q": _typo(cliente.nome_completo, rng)}, cliente),
            ("nome da mãe", {"q": first, "nome_mae": fold(cliente.nome_mae)}, cliente),
            (
                "nome e cidade",
                {"q": f"{first} {last}", "cidade": fold(endereco.cidade), "uf": endereco.uf},
                cliente,
            ),
            ("telefone", {"q": format_phone(telefone.numero)}, cliente),
        ]
        if cliente.email:
            cases.append(("e-mail", {"q": cliente.email.upper()}, cliente))
    return cases


def found_on_first_page(params: dict, cliente: Cliente) -> bool:
    result = cliente_search_page(user=None, params=params)
    if any(row["id_cliente"] == cliente.id_cliente for row in result.rows):
        return True
    # The analyst clicks the "Você quis dizer" spelling of the name they meant.
    for suggestion in result.suggestions:
        retry = cliente_search_page(user=None, params={**params, "q": suggestion})
        if any(row["id_cliente"] == cliente.id_cliente for row in retry.rows):
            return True
    return False


@pytest.mark.django_db
def test_search_success_rate(capsys):
    load_clients(SEED_CLIENTS, seed=2026)
    rng = random.Random(5)
    ids = sorted(rng.sample(range(1, SEED_CLIENTS + 1), SAMPLED_CLIENTS))
    clientes = Cliente.objects.filter(pk__in=ids).prefetch_related("enderecos", "telefones")
    cases = labelled_searches(clientes, rng)
    assert len(cases) >= 300

    total, hits, failures = Counter(), Counter(), []
    for kind, params, cliente in cases:
        total[kind] += 1
        if found_on_first_page(params, cliente):
            hits[kind] += 1
        else:
            failures.append((kind, params, cliente.nome_completo))
    rate = sum(hits.values()) / len(cases)

    with capsys.disabled():
        print(f"\nTaxa de sucesso em pesquisas: {rate:.1%} de {len(cases)} pesquisas")
        for kind in total:
            print(f"  {kind:<20} {hits[kind]:>3}/{total[kind]}")
    assert rate >= TARGET, failures
