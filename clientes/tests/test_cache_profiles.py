"""Cached profiles: zero-SQL hits, compact entries, after-commit invalidation."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django_redis import get_redis_connection

from clientes.cache.profiles import cpf_key, profile_key
from clientes.models import Cliente, Endereco, Telefone
from clientes.seed.loader import load_clients
from clientes.selectors import cliente_get, cliente_get_by_cpf
from clientes.tests.cache_helpers import make_cliente
from common.cache import metrics, store

OTHER_CPF = "11144477735"
MISSING_CPF = "39053344705"


@pytest.fixture(autouse=True)
def _fresh_cache_state():
    store.reset_state()
    metrics.reset()


@pytest.mark.django_db(transaction=True)
def test_cpf_lookup_served_from_cache_runs_no_sql(django_assert_num_queries):
    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)  # miss: loads and stores

    with django_assert_num_queries(0):
        cached = cliente_get_by_cpf(user=None, cpf=cliente.cpf)
        enderecos = list(cached.enderecos.all())
        telefones = list(cached.telefones.all())
        assert enderecos[0].cliente is cached

    assert cached == cliente
    assert cached.nome_completo == "João da Silva"
    assert cached.data_nascimento == cliente.data_nascimento
    assert [e.cidade for e in enderecos] == ["São Paulo"]
    assert [t.numero for t in telefones] == ["11987654321"]
    snapshot = metrics.snapshot()
    assert snapshot["counters"]["hit.cpf"] == 1
    assert snapshot["counters"]["hit.profile"] == 1
    assert metrics.hit_ratio("cpf") == 0.5  # one miss, then one hit
    assert snapshot["redis_latency"]["count"] >= 3  # every round trip is timed


@pytest.mark.django_db(transaction=True)
def test_profile_by_id_is_the_same_client_with_relations_and_users(django_assert_num_queries):
    author = get_user_model().objects.create_user(email="ana@x.com.br", password="x", nome="Ana")
    cliente = make_cliente(created_by=author)
    first = cliente_get(user=None, id_cliente=cliente.pk)

    with django_assert_num_queries(0):
        cached = cliente_get(user=None, id_cliente=cliente.pk)
        assert cached.created_by.nome == "Ana"
        assert cached.updated_by is None
        assert [e.logradouro for e in cached.enderecos.all()] == ["Av. Paulista"]

    assert cached.idade() == first.idade()
    assert cached._state.adding is False


def test_missing_cpf_is_cached_briefly(db, django_assert_num_queries):
    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None
    with django_assert_num_queries(0):
        assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None
    ttl = get_redis_connection("default").ttl(cpf_key(MISSING_CPF))
    assert 0 < ttl <= 33  # 30 s, ±10% jitter


def test_missing_id_raises_404(db):
    with pytest.raises(Http404):
        cliente_get(user=None, id_cliente=999_999)


@pytest.mark.django_db(transaction=True)
def test_entries_are_compact_tuples_with_a_ttl_under_a_versioned_prefix():
    cliente = make_cliente()
    other = make_cliente(cpf=OTHER_CPF)
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    cliente_get_by_cpf(user=None, cpf=other.cpf)
    other.delete()  # invalidation tokens and a new search generation
    conn = get_redis_connection("default")

    keys = [k.decode() for k in conn.keys("*")]
    assert keys, "nothing was cached"
    assert all(conn.ttl(k) > 0 for k in keys), "every key must expire"
    assert all(k.startswith(f"gc:cl{store.FORMAT_VERSION}.") for k in keys)
    raw = conn.get(profile_key(cliente.pk))
    assert b"django.db.models" not in raw and b"clientes.models" not in raw
    _stamp, _soft, value = store.unpack(profile_key(cliente.pk), raw)
    assert isinstance(value, tuple) and value[0][0] == cliente.pk
    assert len(raw) < 1200


@pytest.mark.django_db(transaction=True)
def test_committed_update_is_seen_by_the_next_read():
    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    cliente_get(user=None, id_cliente=cliente.pk)

    with transaction.atomic():
        cliente.nome_completo = "João Atualizado"
        cliente.save()
        # Not committed: Redis still holds the committed row for everyone else,
        # while this transaction reads its own write from PostgreSQL.
        assert get_redis_connection("default").exists(profile_key(cliente.pk))
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "João Atualizado"
        assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == "João Atualizado"

    assert cliente_get_by_cpf(user=None, cpf=cliente.cpf).nome_completo == "João Atualizado"
    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "João Atualizado"


@pytest.mark.django_db(transaction=True)
def test_rolled_back_write_changes_nothing_in_redis():
    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    conn = get_redis_connection("default")
    before = {k: conn.get(k) for k in conn.keys("*")}
    metrics.reset()

    with pytest.raises(RuntimeError), transaction.atomic():
        cliente.nome_completo = "Nunca"
        cliente.save()
        Telefone.objects.create(cliente=cliente, tipo="fixo", numero="1133334444")
        raise RuntimeError("the service failed after writing")

    assert {k: conn.get(k) for k in conn.keys("*")} == before
    assert metrics.snapshot()["counters"].get("invalidation", 0) == 0


@pytest.mark.django_db(transaction=True)
def test_savepoint_rollback_keeps_the_outer_write_invalidation():
    cliente = make_cliente()
    other = make_cliente(cpf=OTHER_CPF, nome="Maria")
    cliente_get(user=None, id_cliente=cliente.pk)
    cliente_get(user=None, id_cliente=other.pk)

    with transaction.atomic():
        cliente.nome_completo = "Salvo"
        cliente.save()
        try:
            with transaction.atomic():
                other.nome_completo = "Desfeito"
                other.save()
                raise ValueError
        except ValueError:
            pass

    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "Salvo"
    conn = get_redis_connection("default")
    assert conn.exists(profile_key(other.pk)), "the rolled-back savepoint invalidated Maria"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["add_phone", "edit_address", "delete_address"])
def test_address_and_phone_writes_invalidate_the_profile(change):
    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    endereco = cliente.enderecos.get()
    if change == "add_phone":
        Telefone.objects.create(cliente=cliente, tipo="fixo", numero="1133334444")
    elif change == "edit_address":
        endereco.cidade = "Campinas"
        endereco.save()
    else:
        endereco.delete()

    cached = cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    expected = {
        "add_phone": (["São Paulo"], 2),
        "edit_address": (["Campinas"], 1),
        "delete_address": ([], 1),
    }[change]
    assert ([e.cidade for e in cached.enderecos.all()], len(cached.telefones.all())) == expected


@pytest.mark.django_db(transaction=True)
def test_created_client_replaces_the_cached_not_found():
    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None
    created = make_cliente(cpf=MISSING_CPF, nome="Recém-chegado")
    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) == created


@pytest.mark.django_db(transaction=True)
def test_cpf_change_and_delete_are_seen_by_cpf_lookups():
    cliente = make_cliente()
    cliente_get_by_cpf(user=None, cpf=cliente.cpf)
    assert cliente_get_by_cpf(user=None, cpf=OTHER_CPF) is None

    cliente.cpf = OTHER_CPF
    cliente.save()
    assert cliente_get_by_cpf(user=None, cpf="52998224725") is None
    assert cliente_get_by_cpf(user=None, cpf=OTHER_CPF).pk == cliente.pk

    cliente.delete()
    assert cliente_get_by_cpf(user=None, cpf=OTHER_CPF) is None
    with pytest.raises(Http404):
        cliente_get(user=None, id_cliente=cliente.pk)


@pytest.mark.django_db(transaction=True)
def test_renaming_the_author_refreshes_cached_profiles():
    author = get_user_model().objects.create_user(email="ana@x.com.br", password="x", nome="Ana")
    cliente = make_cliente(created_by=author)
    cliente_get(user=None, id_cliente=cliente.pk)

    author.last_login = author.date_joined
    author.save(update_fields=["last_login"])  # a login does not flush profiles
    assert get_redis_connection("default").exists(profile_key(cliente.pk))

    author.nome = "Ana Souza"
    author.save()
    assert cliente_get(user=None, id_cliente=cliente.pk).created_by.nome == "Ana Souza"


@pytest.mark.django_db(transaction=True)
def test_bulk_seed_invalidates_cached_not_found_answers():
    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None
    load_clients(50, seed=7)
    seeded = Cliente.objects.order_by("pk").first()
    cliente_get_by_cpf(user=None, cpf=seeded.cpf)
    Endereco.objects.filter(cliente=seeded).update(cidade="Bulk")  # bypasses signals...
    from clientes.cache import invalidate_on_commit

    invalidate_on_commit(ids=[seeded.pk])  # ...so bulk writers call this
    cached = cliente_get_by_cpf(user=None, cpf=seeded.cpf)
    assert {e.cidade for e in cached.enderecos.all()} == {"Bulk"}


def test_a_transaction_reads_its_own_uncommitted_writes(db, django_assert_num_queries):
    # `db` runs the whole test in one transaction that never commits, like a
    # service that writes and reads back before its commit.
    from common.cache.entries import cached

    assert cached(["todos"], lambda: ["antes"]) == ["antes"]
    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None
    with django_assert_num_queries(0):  # both cached
        assert cached(["todos"], lambda: ["outro"]) == ["antes"]
        assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) is None

    cliente = make_cliente(cpf=MISSING_CPF, nome="Ainda não confirmado")

    assert cliente_get_by_cpf(user=None, cpf=MISSING_CPF) == cliente
    assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "Ainda não confirmado"
    assert cached(["todos"], lambda: ["depois"]) == ["depois"]
