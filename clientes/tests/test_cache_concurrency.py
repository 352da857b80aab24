"""Concurrency: the stale-set race, search generations and dogpile protection.

The threads are real, each with its own PostgreSQL connection and Redis calls;
events pause the reader exactly between its database read and its cache write.
"""

import threading

import pytest
from django.db import connection, transaction

from clientes.cache.profiles import get_by_cpf, get_by_id
from clientes.models import Cliente
from clientes.selectors import _find_id_by_cpf, _load_profile, cliente_get
from clientes.tests.cache_helpers import make_cliente
from common.cache import entries, metrics, store
from common.cache.entries import cached


@pytest.fixture(autouse=True)
def _fresh_cache_state():
    store.reset_state()
    metrics.reset()


def _run_paused_reader(read):
    """Start ``read(pause)`` in a thread; return (thread, result, read_done, resume)."""
    read_done, resume, result = threading.Event(), threading.Event(), {}

    def pause():
        read_done.set()
        assert resume.wait(10)

    def target():
        try:
            result["value"] = read(pause)
        except Exception as exc:  # surfaced by the assertions below
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    assert read_done.wait(10), "the reader never reached its database read"
    return thread, result, resume


def _rename(id_cliente, nome):
    with transaction.atomic():
        cliente = Cliente.objects.select_for_update().get(pk=id_cliente)
        cliente.nome_completo = nome
        cliente.save()


@pytest.mark.django_db(transaction=True)
def test_reader_that_loaded_the_old_row_cannot_cache_it_after_the_write(
    django_assert_num_queries,
):
    cliente = make_cliente(nome="Nome Antigo")

    def slow_load(id_cliente, pause):
        loaded = _load_profile(id_cliente)  # real SELECTs: the old row
        pause()  # the dangerous point: read done, not yet stored
        return loaded

    thread, result, resume = _run_paused_reader(
        lambda pause: get_by_id(cliente.pk, load=lambda i: slow_load(i, pause))
    )
    _rename(cliente.pk, "Nome Novo")  # commits and invalidates while the reader waits
    resume.set()
    thread.join(10)

    assert result["value"].nome_completo == "Nome Antigo"  # what it read, before the write
    assert metrics.snapshot()["counters"]["stale_set_refused"] == 1
    with django_assert_num_queries(3):  # a miss: the old row was not stored
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "Nome Novo"
    with django_assert_num_queries(0):
        assert cliente_get(user=None, id_cliente=cliente.pk).nome_completo == "Nome Novo"


@pytest.mark.django_db(transaction=True)
def test_cpf_pointer_read_before_a_cpf_change_is_not_served_for_the_old_cpf():
    cliente = make_cliente(cpf="52998224725")

    def slow_find(cpf, pause):
        found = _find_id_by_cpf(cpf)
        pause()
        return found

    thread, result, resume = _run_paused_reader(
        lambda pause: get_by_cpf(
            "52998224725", find_id=lambda c: slow_find(c, pause), load=_load_profile
        )
    )
    with transaction.atomic():
        cliente.cpf = "11144477735"
        cliente.save()
    resume.set()
    thread.join(10)

    assert "error" not in result
    assert result["value"] is None  # the profile it found no longer has that CPF
    assert get_by_cpf("52998224725", find_id=_find_id_by_cpf, load=_load_profile) is None


@pytest.mark.django_db(transaction=True)
def test_search_computed_before_a_write_is_not_served_after_it():
    make_cliente(nome="Ana Lima")

    def names():
        return sorted(Cliente.objects.values_list("nome_completo", flat=True))

    def slow_search(pause):
        rows = names()
        pause()
        return rows

    thread, result, resume = _run_paused_reader(
        lambda pause: cached(["nome", "lima"], lambda: slow_search(pause))
    )
    make_cliente(cpf="11144477735", nome="Bruno Lima")  # commits: search generation bumped
    resume.set()
    thread.join(10)

    assert result["value"] == ["Ana Lima"]
    assert cached(["nome", "lima"], names) == ["Ana Lima", "Bruno Lima"]
    assert cached(["nome", "lima"], lambda: pytest.fail("should be a hit")) == [
        "Ana Lima",
        "Bruno Lima",
    ]


def test_expired_hot_entry_is_computed_once_while_the_others_wait(db):
    calls, barrier = [], threading.Barrier(8)

    def compute():
        calls.append(1)
        threading.Event().wait(0.3)  # a slow query
        return {"count": 42}

    results = []

    def request():
        barrier.wait()
        results.append(cached(["hot"], compute))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(calls) == 1
    assert results == [{"count": 42}] * 8
    assert metrics.snapshot()["counters"]["lock_wait"] == 7


def test_entry_being_refreshed_is_served_to_the_others(db, monkeypatch):
    monkeypatch.setattr(entries, "SOFT_TTL_SHARE", 0)  # every entry is due for refresh
    assert cached(["page"], lambda: "v1") == "v1"

    key = entries.entry_key_for("search", ["page"])
    with store.redis("test") as conn:
        lock = store.try_lock(conn, key, 5)  # another request is refreshing it
    assert cached(["page"], lambda: pytest.fail("must not recompute")) == "v1"

    with store.redis("test") as conn:
        store.release_lock(conn, key, lock)
    assert cached(["page"], lambda: "v2") == "v2"


def test_search_keys_are_as_normalised_as_their_parts(db):
    assert cached(["nome", "joao", "uf", "SP"], lambda: 1) == 1
    assert cached(["nome", "joao", "uf", "SP"], lambda: 2) == 1
    assert cached(["nome", "joao", "uf", "RJ"], lambda: 3) == 3


def test_unreadable_entry_is_recomputed_not_an_error(db):
    assert cached(["broken"], lambda: "v1") == "v1"
    with store.redis("test") as conn:
        conn.set(entries.entry_key_for("search", ["broken"]), b"not an entry", ex=60)
    assert cached(["broken"], lambda: "v2") == "v2"
