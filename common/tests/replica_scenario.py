"""Scenarios run by ``test_replicas.py`` in a Django process wired to a real replica.

The test starts a primary and a streaming replica, then runs
``python -m common.tests.replica_scenario NAME`` with ``DATABASE_URL`` (the
primary) and ``DATABASE_REPLICA_URLS`` (the replica) set, so the settings,
router and middleware are exactly those of production. Each scenario prints
one JSON object of observations on its last line; the test asserts on them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import ANALISTA, GERENTE  # noqa: E402
from clientes.models import Cliente  # noqa: E402

REPLICA = "replica_0"


@contextmanager
def client_queries():
    """Count the statements that read client tables, per database alias."""
    counts: Counter = Counter()

    def wrapper(alias):
        def record(execute, sql, params, many, context):
            if "clientes" in sql and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                counts[alias] += 1
            return execute(sql, params, many, context)

        return record

    wrappers = [connections[alias].execute_wrapper(wrapper(alias)) for alias in connections]
    for managed in wrappers:
        managed.__enter__()
    try:
        yield counts
    finally:
        for managed in reversed(wrappers):
            managed.__exit__(None, None, None)


def replica_sql(sql: str):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def wait_until_replayed(predicate_sql: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not replica_sql(predicate_sql)[0]:
        if time.monotonic() > deadline:
            raise SystemExit("replica did not replay in time")
        time.sleep(0.1)


def user(email: str, role: str) -> Client:
    account, _created = User.objects.get_or_create(email=email, defaults={"nome": role})
    account.set_password("Senha-de-teste-123")
    account.save()
    account.groups.set([Group.objects.get(name=role)])
    browser = Client()
    browser.force_login(account)
    return browser


def a_client(cpf: str, nome: str) -> Cliente:
    cliente, _created = Cliente.objects.get_or_create(cpf=cpf, defaults={"nome_completo": nome})
    wait_until_replayed(f"SELECT count(*) FROM clientes WHERE cpf = '{cpf}'")
    return cliente


def profile_name(browser: Client, cliente: Cliente) -> str:
    response = browser.get(f"/api/v1/clients/{cliente.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["nome_completo"]


def reads_land_on_the_replica() -> dict:
    analista = user("analista.replica@example.com", ANALISTA)
    cliente = a_client("52998224725", "Helena Replica Souza")
    with client_queries() as profile:
        page = analista.get(f"/clientes/{cliente.pk}/")
    with client_queries() as search:
        found = analista.get("/api/v1/clients/", {"nome": "Helena Replica"})
    return {
        "profile_status": page.status_code,
        "profile_queries": dict(profile),
        "search_status": found.status_code,
        "search_queries": dict(search),
    }


def read_your_writes_and_no_stale_fill() -> dict:
    writer = user("gerente.escreve@example.com", GERENTE)
    reader = user("gerente.le@example.com", GERENTE)
    cliente = a_client("11144477735", "Otavio Antes Pereira")
    etag = writer.get(f"/api/v1/clients/{cliente.pk}/")["ETag"]
    replica_sql("SELECT pg_wal_replay_pause()")
    changed = writer.patch(
        f"/api/v1/clients/{cliente.pk}/",
        data=json.dumps({"nome_completo": "Otavio Depois Pereira"}),
        content_type="application/json",
        headers={"If-Match": etag},
    )
    writer_sees = profile_name(writer, cliente)  # pinned to the primary
    replica_holds = replica_sql(
        f"SELECT nome_completo FROM clientes WHERE id_cliente = {cliente.pk}"
    )
    reader_sees_while_paused = profile_name(reader, cliente)
    replica_sql("SELECT pg_wal_replay_resume()")
    wait_until_replayed(
        f"SELECT nome_completo = 'Otavio Depois Pereira' FROM clientes "
        f"WHERE id_cliente = {cliente.pk}"
    )
    return {
        "patch_status": changed.status_code,
        "writer_sees": writer_sees,
        "replica_holds_while_paused": replica_holds[0],
        "reader_sees_while_paused": reader_sees_while_paused,
        # A fill from the paused replica must not have been cached: now it reads fresh.
        "reader_sees_after_replay": profile_name(reader, cliente),
    }


def lagging_replica_is_skipped() -> dict:
    reader = user("analista.lag@example.com", ANALISTA)
    cliente = a_client("39053344705", "Bianca Atraso Lima")
    replica_sql("SELECT pg_wal_replay_pause()")
    Cliente.objects.filter(pk=cliente.pk).update(nome_social="Bia")  # WAL to replay
    try:
        time.sleep(float(os.environ["REPLICA_MAX_LAG_SECONDS"]) + 1.5)
        with client_queries() as queries:
            response = reader.get(f"/clientes/{cliente.pk}/")
    finally:
        replica_sql("SELECT pg_wal_replay_resume()")
    return {"status": response.status_code, "queries": dict(queries)}


def exports_read_the_replica() -> dict:
    """An export generated by a worker (no request) reads the replica, in one snapshot."""
    from reports.models import ExportJob
    from reports.services import export_generate

    owner = User.objects.get(email="analista.replica@example.com")
    job = ExportJob.objects.create(
        owner=owner, format="csv", filters={"nome": "Helena Replica"}, fields=["nome_completo"]
    )
    # A client only the primary has: the export shows whether it read the replica
    # (its rows come through COPY, which query counting does not see).
    replica_sql("SELECT pg_wal_replay_pause()")
    try:
        Cliente.objects.create(cpf="86288366757", nome_completo="Helena Replica Primaria")
        with client_queries() as queries:
            job = export_generate(job_id=job.pk)
    finally:
        replica_sql("SELECT pg_wal_replay_resume()")
    content = job.file.read().decode("utf-8-sig") if job.file else ""
    return {
        "status": job.status,
        "rows": sorted(line for line in content.splitlines() if "Helena" in line),
        "queries": dict(queries),
    }


def stopped_replica_changes_nothing() -> dict:
    reader = user("analista.parado@example.com", ANALISTA)
    cliente = Cliente.objects.get(cpf="52998224725")
    with client_queries() as queries:
        page = reader.get(f"/clientes/{cliente.pk}/")
        search = reader.get("/api/v1/clients/", {"nome": "Helena Replica"})
    health = Client().get(
        "/health/deep/", headers={"Authorization": f"Bearer {os.environ['METRICS_TOKEN']}"}
    )
    return {
        "profile_status": page.status_code,
        "search_status": search.status_code,
        "found": [row["id_cliente"] for row in search.json()["results"]],
        "queries": dict(queries),
        "health": health.json(),
    }


SCENARIOS = {
    f.__name__: f
    for f in (
        reads_land_on_the_replica,
        read_your_writes_and_no_stale_fill,
        lagging_replica_is_skipped,
        exports_read_the_replica,
        stopped_replica_changes_nothing,
    )
}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]]()))
