import hashlib
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from clientes.choices import UF
from clientes.models import Cliente, Endereco, Telefone
from clientes.seed import loader
from clientes.seed.data import CITIES
from clientes.seed.loader import load_clients, reset_clients
from common.br import is_valid_cpf, normalize_cep, normalize_phone

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint():
    rows = Cliente.objects.order_by("id_cliente").values_list(
        "cpf", "nome_completo", "nome_mae", "data_nascimento", "sexo", "email", "ativo"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_seed_generates_realistic_valid_clients():
    call_command("seed_clients", count=3000, seed=7)

    clientes = list(Cliente.objects.all())
    assert len(clientes) == 3000
    cpfs = [c.cpf for c in clientes]
    assert len(set(cpfs)) == 3000
    assert all(is_valid_cpf(cpf) for cpf in cpfs)

    inactive = sum(not c.ativo for c in clientes) / len(clientes)
    assert 0.07 < inactive < 0.13
    ages = [c.idade(date.today()) for c in clientes]
    assert min(ages) >= 18 and max(ages) <= 95
    assert {c.sexo for c in clientes} == {"F", "M"}
    # Real Brazilian names, with accents and particles.
    names = " ".join(c.nome_completo for c in clientes)
    for expected in ("Maria", "José", "Silva", "Santos", "Conceição", " da ", " dos "):
        assert expected in names

    valid_pairs = {(city, uf) for city, uf, _ in CITIES}
    enderecos = list(Endereco.objects.all())
    assert {(e.cidade, e.uf) for e in enderecos} <= valid_pairs
    assert {e.uf for e in enderecos} <= set(UF.values)
    assert all(normalize_cep(e.cep) == e.cep for e in enderecos)
    assert Endereco.objects.filter(principal=True).count() == 3000

    telefones = list(Telefone.objects.all())
    assert all(normalize_phone(t.numero) == t.numero for t in telefones)
    assert {t.tipo for t in telefones} == {"celular", "fixo"}


def test_seed_is_deterministic_for_a_seed():
    call_command("seed_clients", count=500, seed=42)
    first = _fingerprint()
    call_command("seed_clients", count=500, seed=42, reset=True)
    assert _fingerprint() == first
    call_command("seed_clients", count=500, seed=43, reset=True)
    assert _fingerprint() != first


def test_seed_refuses_to_mix_with_existing_clients():
    call_command("seed_clients", count=50, seed=1)
    with pytest.raises(CommandError, match="already exist"):
        call_command("seed_clients", count=50, seed=1)
    call_command("seed_clients", count=50, seed=1, if_empty=True)
    assert Cliente.objects.count() == 50


def test_seed_keeps_sequences_and_indexes_usable():
    call_command("seed_clients", count=100, seed=3)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename IN "
            "('clientes', 'clientes_enderecos', 'clientes_telefones')"
        )
        indexes_after = cursor.fetchone()[0]
    # The next ORM insert must not collide with the COPY-assigned ids.
    novo = Cliente.objects.create(cpf="52998224725", nome_completo="Novo Cliente")
    assert novo.id_cliente == 101
    assert indexes_after >= 6


def test_seed_writes_the_address_columns_the_triggers_would():
    """The loader COPYs the search columns of migrations 0006/0007 already computed."""
    call_command("seed_clients", count=2000, seed=11)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE c.enderecos_secundarios_busca IS NOT NULL),
                   count(*) FILTER (WHERE c.enderecos_secundarios_busca IS DISTINCT FROM (
                       SELECT array_agg(DISTINCT t ORDER BY t)
                         FROM clientes_enderecos e,
                              LATERAL unnest(ARRAY['uf:' || e.uf, 'cidade:' || e.cidade_busca,
                                                   'local:' || e.uf || ':' || e.cidade_busca]
                                             COLLATE "C") AS t
                        WHERE e.cliente_id = c.id_cliente AND NOT e.principal)),
                   count(*) FILTER (WHERE c.uf_principal || ':' || c.cidade_principal_busca
                       IS DISTINCT FROM (SELECT e.uf || ':' || e.cidade_busca
                                           FROM clientes_enderecos e
                                          WHERE e.cliente_id = c.id_cliente AND e.principal))
              FROM clientes c
            """
        )
        with_others, wrong_others, wrong_principal = cursor.fetchone()
    assert 100 < with_others < 400  # ~10% of clients have a second address
    assert (wrong_others, wrong_principal) == (0, 0)


def test_seed_vacuums_after_its_load_so_index_only_scans_work():
    call_command("seed_clients", count=500, seed=9)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible, relpages FROM pg_class WHERE relname = 'clientes'")
        all_visible, pages = cursor.fetchone()
    assert pages > 0 and all_visible == pages


def _load_seconds(count: int) -> float:
    """Return the COPY phase's seconds of a load of ``count`` clients into empty tables."""
    with transaction.atomic():
        reset_clients()
        report = load_clients(count, seed=5)
        transaction.set_rollback(True)
    return report.seconds["copy"]


@pytest.mark.parametrize("address_triggers", ["disabled by the loader", "firing"])
def test_seed_load_time_grows_linearly_with_the_client_count(address_triggers, monkeypatch):
    """4x the clients must cost under 6x the time (quadratic would be 16x).

    The loader drops the secondary indexes of empty tables; an address trigger
    that probed ``clientes_enderecos`` per client then scanned the whole table
    for each one, and every batch cost more than the last. The loader now
    disables the triggers whose columns it writes itself, and the triggers
    stay linear without the index too (the "firing" case).
    """
    if address_triggers == "firing":
        monkeypatch.setattr(loader, "PRECOMPUTED_TRIGGERS", ())
    _load_seconds(500)  # warm up: plans, generator data, the server's caches
    small = min(_load_seconds(5_000) for _ in range(2))
    large = min(_load_seconds(20_000) for _ in range(2))
    assert large / small < 6, f"5,000 clients: {small:.2f}s; 20,000: {large:.2f}s"
