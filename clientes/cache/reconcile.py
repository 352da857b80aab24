"""Compare cached clients with PostgreSQL, repair differences, record the ratio.

Run every few minutes by Celery beat (``clientes.tasks.cache_reconcile``) and on
demand by ``manage.py cache_reconcile``. Only entries a reader could be served
(stamped with the current generations) are checked: profiles by id and the
CPF -> id pointers. Search pages are not compared row by row: the search
generation, bumped after every client write, already makes them unreachable.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.utils import timezone

from clientes.cache.profiles import cpf_token_key, encode_profile, id_token_key
from clientes.models import Cliente, ConsistencyCheck, MissedInvalidation
from clientes.selectors import profile_queryset
from common.cache import metrics, store

logger = logging.getLogger("clientes.cache")

BATCH = 500
# A difference can be a write whose after-commit invalidation is a few
# milliseconds away: an entry counts as stale only if unchanged after this.
RECHECK_SECONDS = 0.2
KEEP_CHECKS = timedelta(days=30)
KEEP_MISSED = timedelta(days=7)


@dataclass
class ReconcileReport:
    checked: int = 0
    stale: int = 0
    repaired: int = 0
    ratio: float = 1.0
    duration_ms: int = 0
    alert: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def reconcile(*, recheck_seconds: float = RECHECK_SECONDS) -> ReconcileReport | None:
    """Check every servable cached client; return the figures (None if already running).

    Raises ``store.CacheUnavailable`` when Redis cannot be reached.
    """
    started = time.perf_counter()
    store.check_missed_invalidations()
    with store.redis("reconcile") as conn:
        lock = store.try_lock(conn, "reconcile", 600)
        if lock is None:
            return None
        try:
            report = _compare_and_repair(conn, recheck_seconds)
        finally:
            store.release_lock(conn, "reconcile", lock)
    report.duration_ms = int((time.perf_counter() - started) * 1000)
    _record(report)
    _prune()
    return report


def _compare_and_repair(conn, recheck_seconds: float) -> ReconcileReport:
    ttl = store.conf("GENERATION_TTL")
    for name in (store.EPOCH, store.PROFILES, store.SEARCH):
        conn.expire(store.generation_key(name), ttl)  # in use: keep them alive
    conn.expire(store.key("ack"), ttl)
    gens, _ = store.read_with_generations(conn, (store.EPOCH, store.PROFILES), [])
    stamp = (gens[store.EPOCH], gens[store.PROFILES])

    report = ReconcileReport()
    suspects: dict[str, tuple[bytes, bytes]] = {}  # entry key -> (raw, token key)
    for keys in _batches(conn, store.key("id", "*")):
        _check_profiles(conn, keys, stamp, report, suspects)
    for keys in _batches(conn, store.key("cpf", "*")):
        _check_pointers(conn, keys, stamp, report, suspects)

    if suspects:
        time.sleep(recheck_seconds)
        keys = list(suspects)
        now = conn.mget(keys)
        confirmed = [k for k, raw in zip(keys, now, strict=True) if raw == suspects[k][0]]
        report.stale = len(confirmed)
        token_ttl = store.conf("TOKEN_TTL")
        with conn.pipeline(transaction=True) as pipe:
            for entry_key in confirmed:
                # A new token also stops in-flight readers from writing the old value back.
                pipe.set(suspects[entry_key][1], store.new_token(), ex=token_ttl)
                pipe.delete(entry_key)
            results = pipe.execute()
        report.repaired = sum(1 for deleted in results[1::2] if deleted)
    if report.checked:
        report.ratio = (report.checked - report.stale) / report.checked
    return report


def _batches(conn, pattern: str):
    batch = []
    for entry_key in conn.scan_iter(match=pattern, count=BATCH):
        batch.append(entry_key.decode())
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _valid_values(conn, keys, stamp):
    """Yield (key, raw, value) for entries stamped with the current generations."""
    for entry_key, raw in zip(keys, conn.mget(keys), strict=True):
        if raw is None:
            continue  # expired or invalidated since the scan
        try:
            entry_stamp, _soft_deadline, value = store.unpack(entry_key, raw)
        except store.ForgedEntry:
            continue  # never served (readers refuse it and recompute): nothing to compare
        if entry_stamp == stamp:
            yield entry_key, raw, value


def _check_profiles(conn, keys, stamp, report, suspects) -> None:
    valid = _valid_values(conn, keys, stamp)
    cached = {int(k.rsplit(":", 1)[1]): (k, raw, v) for k, raw, v in valid}
    if not cached:
        return
    current = {c.pk: c for c in profile_queryset().filter(pk__in=list(cached))}
    for id_cliente, (entry_key, raw, value) in cached.items():
        report.checked += 1
        if value != encode_profile(current.get(id_cliente)):
            suspects[entry_key] = (raw, id_token_key(id_cliente))


def _check_pointers(conn, keys, stamp, report, suspects) -> None:
    valid = _valid_values(conn, keys, stamp)
    cached = {k.rsplit(":", 1)[1]: (k, raw, v) for k, raw, v in valid}
    if not cached:
        return
    current = dict(Cliente.objects.filter(cpf__in=list(cached)).values_list("cpf", "id_cliente"))
    for cpf, (entry_key, raw, id_cliente) in cached.items():
        report.checked += 1
        if id_cliente != current.get(cpf):
            suspects[entry_key] = (raw, cpf_token_key(cpf))


def _record(report: ReconcileReport) -> None:
    target = store.conf("CONSISTENCY_TARGET")
    report.alert = report.ratio < target
    ConsistencyCheck.objects.create(
        checked=report.checked,
        stale=report.stale,
        repaired=report.repaired,
        ratio=report.ratio,
        duration_ms=report.duration_ms,
        alert=report.alert,
    )
    metrics.set_gauge("consistency_ratio", report.ratio)
    if report.alert:
        metrics.incr("consistency_alert")
        logger.error(
            "cache consistency %.4f%% below the %.1f%% target: %d of %d cached clients "
            "differed from PostgreSQL (%d repaired)",
            report.ratio * 100,
            target * 100,
            report.stale,
            report.checked,
            report.repaired,
        )
    else:
        logger.info(
            "cache consistency %.4f%%: %d checked, %d stale, %d repaired",
            report.ratio * 100,
            report.checked,
            report.stale,
            report.repaired,
        )


def _prune() -> None:
    now = timezone.now()
    ConsistencyCheck.objects.filter(ran_at__lt=now - KEEP_CHECKS).exclude(
        alert=True, acknowledged_at__isnull=True
    ).delete()
    MissedInvalidation.objects.filter(created_at__lt=now - KEEP_MISSED).delete()


def open_alert() -> ConsistencyCheck | None:
    """Return the latest run below target that no administrator acknowledged yet."""
    return ConsistencyCheck.objects.filter(alert=True, acknowledged_at__isnull=True).first()


def acknowledge_alerts(*, user) -> int:
    """Mark every open alert as seen by ``user``; return how many."""
    return ConsistencyCheck.objects.filter(alert=True, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
