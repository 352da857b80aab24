"""Usage metrics for managers: one day from the audit trail, a period from DailyUsage.

``usage_aggregate_day`` turns a day of audit events into DailyUsage rows (one
pass over that day's events, on the audit time index); ``usage_period`` reads a
period back, so a year of the metrics page costs a few thousand small rows.

The aggregation runs every 15 minutes and records how far it counted (the
``agregado_ate`` row). ``usage_period`` adds the events after that instant
live for today and yesterday: a few minutes of events, so the page is current
without recounting a busy day on every view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent
from clientes.models import Cliente, Endereco
from monitoring.models import DailyUsage

# What the audit events carry in ``details`` (the contract with the code that
# records them): a search's result count, its duration and whether the cache
# answered; an export's format; a bulk write's row count.
SEARCH_RESULTS_KEY = "resultados"
SEARCH_DURATION_KEY = "duracao_ms"
SEARCH_CACHE_KEY = "cache"  # "hit" or "miss"
EXPORT_FORMAT_KEY = "format"
BULK_COUNT_KEY = "count"

# Upper bounds (ms) of the search-time histogram a period's p95 is estimated from.
DURATION_BUCKETS_MS = (5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000)

# Bookkeeping row of each aggregated day: its events before this instant (POSIX
# seconds) are counted; the metrics page counts later ones live.
WATERMARK = "agregado_ate"
# An event is written with the time its request started and committed a moment
# later: the aggregate stops this far short of "now", so an event still in
# flight is counted live (or by the next run) instead of missed.
SETTLE_SECONDS = 60
# Days whose events after the watermark are added live: today, and yesterday
# until the first run after midnight has closed it.
LIVE_DAYS = 2

# Per-analyst and per-hour counts of searches and exports: the metric, split by
# the actor's id or by the local hour ("00".."23").
SEARCHES_BY_USER, EXPORTS_BY_USER = "pesquisas_usuario", "exportacoes_usuario"
SEARCHES_BY_HOUR, EXPORTS_BY_HOUR = "pesquisas_hora", "exportacoes_hora"
# Up to one row per user and day: a period sums them in SQL instead of loading them.
PER_USER_METRICS = (SEARCHES_BY_USER, EXPORTS_BY_USER)
# Clients by principal address's UF and status ("SP:ativo"), a snapshot taken
# when today is aggregated (kept when the day is recounted later).
CLIENTS_BY_UF = "clientes_uf"
# Which figures a day's rows hold: days aggregated by an older version lack
# some, and the periodic task recounts them (newest first, a few per run).
VERSION = "versao"
CURRENT_VERSION = 2
STALE_DAYS_PER_RUN = 7

# The metrics page's series, in display order: (metric, label).
SIMPLE_METRICS = (
    "pesquisas",
    "pesquisas_com_resultado",
    "tempo_soma_ms",
    "tempo_n",
    "tempo_p95_ms",
    "cache_hits",
    "cache_consultas",
    "logins_falhos",
    "usuarios_ativos",
    "clientes_novos",
    "clientes_inativados",
)


def _day_bounds(dia: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(dia, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start, start + dt.timedelta(days=1)


def _number(key: str) -> str:
    """SQL for details[key] as a float, NULL unless it is a JSON number."""
    return (
        f"CASE WHEN jsonb_typeof(details -> '{key}') = 'number' "
        f"THEN (details ->> '{key}')::float END"
    )


def usage_compute_day(dia: dt.date) -> dict[tuple[str, str], float]:
    """Return {(metric, key): value} for one local day, computed from audit events."""
    return usage_compute(*_day_bounds(dia))


def usage_compute(
    start: dt.datetime, end: dt.datetime, *, known_since: dt.datetime | None = None
) -> dict[tuple[str, str], float]:
    """Return {(metric, key): value} of the audit events in [start, end).

    With ``known_since`` (the start of their day), ``usuarios_ativos`` counts
    only users without an event in [known_since, start): the ones these events
    add to the day's already counted users.
    """
    table = AuditEvent._meta.db_table
    search, duration = Action.CLIENTE_SEARCH.value, _number(SEARCH_DURATION_KEY)
    timed = f"action = '{search}' AND {duration} IS NOT NULL"
    totals_sql = f"""
        SELECT
          count(*) FILTER (WHERE action = '{search}'),
          count(*) FILTER (WHERE action = '{search}' AND {_number(SEARCH_RESULTS_KEY)} > 0),
          coalesce(sum({duration}) FILTER (WHERE {timed}), 0),
          count(*) FILTER (WHERE {timed}),
          coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY {duration})
                   FILTER (WHERE {timed}), 0),
          count(*) FILTER (WHERE action = '{search}' AND details ->> '{SEARCH_CACHE_KEY}' = 'hit'),
          count(*) FILTER (WHERE action = '{search}' AND details ? '{SEARCH_CACHE_KEY}'),
          count(*) FILTER (WHERE action = '{Action.LOGIN_FAILED.value}'),
          count(DISTINCT actor_id),
          count(*) FILTER (WHERE action = '{Action.CLIENTE_CREATE.value}')
            + coalesce(sum({_number(BULK_COUNT_KEY)})
                       FILTER (WHERE action = '{Action.CLIENTE_BULK_CREATE.value}'), 0),
          count(*) FILTER (WHERE action = '{Action.CLIENTE_DEACTIVATE.value}')
        FROM {table} WHERE occurred_at >= %s AND occurred_at < %s
    """
    buckets = "ARRAY[" + ",".join(str(b) for b in DURATION_BUCKETS_MS) + "]::float[]"
    histogram_sql = f"""
        SELECT width_bucket({duration}, {buckets}), count(*)
        FROM {table} WHERE occurred_at >= %s AND occurred_at < %s AND {timed}
        GROUP BY 1
    """
    # On the (action, time) index: only the searches and exports of the range.
    split_sql = f"""
        SELECT action, actor_id,
               to_char(occurred_at AT TIME ZONE %s, 'HH24'), count(*)
        FROM {table} WHERE occurred_at >= %s AND occurred_at < %s
          AND action IN ('{search}', '{Action.EXPORT_REQUEST.value}')
        GROUP BY 1, 2, 3
    """
    exports_sql = f"""
        SELECT coalesce(details ->> '{EXPORT_FORMAT_KEY}', ''), count(*)
        FROM {table} WHERE occurred_at >= %s AND occurred_at < %s
          AND action = '{Action.EXPORT_REQUEST.value}'
        GROUP BY 1
    """
    with connection.cursor() as cursor:
        cursor.execute(totals_sql, [start, end])
        values = {
            (name, ""): float(v) for name, v in zip(SIMPLE_METRICS, cursor.fetchone(), strict=True)
        }
        cursor.execute(histogram_sql, [start, end])
        for index, count in cursor.fetchall():
            upper = DURATION_BUCKETS_MS[index] if index < len(DURATION_BUCKETS_MS) else "inf"
            values[("tempo_faixa_ms", str(upper))] = float(count)
        cursor.execute(exports_sql, [start, end])
        for formato, count in cursor.fetchall():
            values[("exportacoes", formato.lower())] = float(count)
        cursor.execute(split_sql, [settings.TIME_ZONE, start, end])
        for action, actor_id, hour, count in cursor.fetchall():
            by_user, by_hour = (
                (SEARCHES_BY_USER, SEARCHES_BY_HOUR)
                if action == search
                else (EXPORTS_BY_USER, EXPORTS_BY_HOUR)
            )
            if actor_id is not None:
                _add(values, (by_user, str(actor_id)), count)
            _add(values, (by_hour, hour), count)
        if known_since is not None:
            values[("usuarios_ativos", "")] = _new_actors(cursor, known_since, start, end)
    return values


def _add(values: dict, key: tuple[str, str], count) -> None:
    values[key] = values.get(key, 0.0) + float(count)


def clients_by_uf_status() -> dict[tuple[str, str], float]:
    """Return {(CLIENTS_BY_UF, "UF:ativo"|"UF:inativo"): count} of every client now.

    The UF is the principal address's ("" without one). A full pass over the
    clients (about a second for a million): run by the periodic task, not per view.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT coalesce(e.uf, ''), c.ativo, count(*)
            FROM {Cliente._meta.db_table} c LEFT JOIN {Endereco._meta.db_table} e
              ON e.cliente_id = c.id_cliente AND e.principal
            GROUP BY 1, 2
            """
        )
        return {
            (CLIENTS_BY_UF, f"{uf}:{'ativo' if ativo else 'inativo'}"): float(count)
            for uf, ativo, count in cursor.fetchall()
        }


def _new_actors(cursor, known_since, start, end) -> float:
    """Count the actors of [start, end) without events in [known_since, start)."""
    table = AuditEvent._meta.db_table
    # One probe per actor on the (actor_email, time) index, checked by id. A
    # user whose e-mail changed today counts twice here, until the next
    # aggregation recounts the day.
    cursor.execute(
        f"""
        SELECT count(*) FROM (
          SELECT DISTINCT ON (actor_id) actor_id, actor_email
          FROM {table}
          WHERE occurred_at >= %(start)s AND occurred_at < %(end)s AND actor_id IS NOT NULL
        ) recent
        WHERE NOT EXISTS (
          SELECT 1 FROM {table} earlier
          WHERE earlier.actor_email = recent.actor_email AND earlier.actor_id = recent.actor_id
            AND earlier.occurred_at >= %(known_since)s AND earlier.occurred_at < %(start)s
        )
        """,
        {"start": start, "end": end, "known_since": known_since},
    )
    return float(cursor.fetchone()[0])


def _settled(now: dt.datetime | None = None) -> dt.datetime:
    """Return the instant up to which events are taken as all committed (whole seconds)."""
    now = now or timezone.now()
    return (now - dt.timedelta(seconds=SETTLE_SECONDS)).replace(microsecond=0)


@transaction.atomic
def usage_aggregate_day(*, dia: dt.date, now: dt.datetime | None = None) -> int:
    """Rebuild the DailyUsage rows of ``dia`` from the audit trail; return how many.

    Counts the day's events up to a minute before ``now`` (all of a past day)
    and records that instant as the day's ``agregado_ate``.
    """
    start, end = _day_bounds(dia)
    until = max(start, min(end, _settled(now)))
    values = usage_compute(start, until) if until > start else {}
    values[(WATERMARK, "")] = until.timestamp()
    values[(VERSION, "")] = float(CURRENT_VERSION)
    rows = DailyUsage.objects.filter(dia=dia)
    if dia == timezone.localdate(now):
        values.update(clients_by_uf_status())
    else:  # a past day keeps the snapshot taken while it was today
        rows = rows.exclude(metrica=CLIENTS_BY_UF)
    rows.delete()
    DailyUsage.objects.bulk_create(
        DailyUsage(dia=dia, metrica=metrica, chave=chave, valor=valor)
        for (metrica, chave), valor in values.items()
    )
    return len(values)


def latest_clients_snapshot() -> tuple[dt.date, dict[str, float]] | None:
    """Return the newest clients-by-UF snapshot (its day and counts), if any was taken."""
    rows = DailyUsage.objects.filter(metrica=CLIENTS_BY_UF)
    dia = rows.order_by("-dia").values_list("dia", flat=True).first()
    if dia is None:
        return None
    return dia, dict(rows.filter(dia=dia).values_list("chave", "valor"))


def usage_stale_days(limit: int = STALE_DAYS_PER_RUN) -> list[dt.date]:
    """Return up to ``limit`` aggregated days (newest first) counted by an older version."""
    current = DailyUsage.objects.filter(metrica=VERSION, valor__gte=CURRENT_VERSION)
    return list(
        DailyUsage.objects.filter(metrica=WATERMARK)
        .exclude(dia__in=current.values("dia"))
        .order_by("-dia")
        .values_list("dia", flat=True)[:limit]
    )


@dataclass
class DayUsage:
    """One day of the metrics page."""

    dia: dt.date
    values: dict[tuple[str, str], float] = field(default_factory=dict)

    def get(self, metric: str, key: str = "") -> float:
        return self.values.get((metric, key), 0.0)

    @property
    def taxa_sucesso(self) -> float | None:
        return _ratio(self.get("pesquisas_com_resultado"), self.get("pesquisas"))

    @property
    def tempo_medio_ms(self) -> float | None:
        return _ratio(self.get("tempo_soma_ms"), self.get("tempo_n"))

    @property
    def taxa_cache(self) -> float | None:
        return _ratio(self.get("cache_hits"), self.get("cache_consultas"))

    def exportacoes(self, formato: str) -> float:
        return self.get("exportacoes", formato)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class PeriodUsage:
    """A period of the metrics page: its days and its totals."""

    days: list[DayUsage]
    formats: list[str]
    # Totals of the per-user metrics stored for the period (summed by PostgreSQL);
    # the days' own values hold only what was counted live.
    stored_by_key: dict[str, dict[str, float]] = field(default_factory=dict)

    def total(self, metric: str, key: str = "") -> float:
        return sum(day.get(metric, key) for day in self.days)

    @property
    def taxa_sucesso(self) -> float | None:
        return _ratio(self.total("pesquisas_com_resultado"), self.total("pesquisas"))

    @property
    def tempo_medio_ms(self) -> float | None:
        return _ratio(self.total("tempo_soma_ms"), self.total("tempo_n"))

    @property
    def taxa_cache(self) -> float | None:
        return _ratio(self.total("cache_hits"), self.total("cache_consultas"))

    @property
    def usuarios_ativos_max(self) -> float:
        return max((day.get("usuarios_ativos") for day in self.days), default=0.0)

    def by_key(self, metric: str) -> dict[str, float]:
        """Return the period's totals of a split metric, by key."""
        totals = dict(self.stored_by_key.get(metric, {}))
        for day in self.days:
            for (name, key), value in day.values.items():
                if name == metric:
                    totals[key] = totals.get(key, 0.0) + value
        return totals

    @property
    def clients_snapshot(self) -> tuple[dt.date, dict[str, float]] | None:
        """Return the last day of the period with a clients-by-UF snapshot, and it."""
        for day in reversed(self.days):
            snapshot = {k: v for (name, k), v in day.values.items() if name == CLIENTS_BY_UF}
            if snapshot:
                return day.dia, snapshot
        return None

    @property
    def stale_days(self) -> int:
        """Count the aggregated days whose rows lack this version's figures."""
        return sum(
            1
            for day in self.days
            if (WATERMARK, "") in day.values
            and day.values.get((VERSION, ""), 0.0) < CURRENT_VERSION
        )

    @property
    def tempo_p95_ms(self) -> float | None:
        """Estimate the period's p95 from the summed daily histograms."""
        return _histogram_p95(lambda bound: self.total("tempo_faixa_ms", bound))


def _histogram_p95(count_of) -> float | None:
    """Estimate a p95 from the search-time histogram, ``count_of(bound)`` giving
    each bucket's count (linear within a bucket, as Prometheus'
    histogram_quantile does)."""
    counts = [count_of(str(b)) for b in DURATION_BUCKETS_MS]
    total = sum(counts) + count_of("inf")
    if not total:
        return None
    rank, seen, lower = 0.95 * total, 0.0, 0.0
    for upper, count in zip(DURATION_BUCKETS_MS, counts, strict=True):
        if count and seen + count >= rank:
            return lower + (upper - lower) * (rank - seen) / count
        seen, lower = seen + count, float(upper)
    return float(DURATION_BUCKETS_MS[-1])  # beyond the last bound: report the bound


def _add_live(day: DayUsage, live: dict[tuple[str, str], float]) -> None:
    """Add the events counted live to a day's aggregate.

    Every figure adds up (``usuarios_ativos`` of ``live`` counts only new users)
    but the day's exact p95, which is re-estimated from the merged histogram
    when both parts have timed searches.
    """
    both_timed = day.get("tempo_n") and live.get(("tempo_n", ""))
    stored_p95, live_p95 = day.get("tempo_p95_ms"), live.pop(("tempo_p95_ms", ""), 0.0)
    for key, value in live.items():
        day.values[key] = day.values.get(key, 0.0) + value
    if both_timed:
        day.values[("tempo_p95_ms", "")] = _histogram_p95(lambda b: day.get("tempo_faixa_ms", b))
    else:
        day.values[("tempo_p95_ms", "")] = stored_p95 or live_p95


def _count_since_watermark(day: DayUsage, now: dt.datetime) -> None:
    """Add to ``day`` its events after its last aggregation, up to ``now``."""
    start, end = _day_bounds(day.dia)
    watermark = day.values.get((WATERMARK, ""))
    if watermark is None:  # never aggregated (or before watermarks existed): all of it live
        day.values.clear()
        since = start
    else:
        since = dt.datetime.fromtimestamp(watermark, dt.UTC)
    until = min(end, now)
    if since < until:
        live = usage_compute(since, until, known_since=start if since > start else None)
        _add_live(day, live)


def usage_period(*, inicio: dt.date, fim: dt.date, now: dt.datetime | None = None) -> PeriodUsage:
    """Return every day from ``inicio`` to ``fim`` (inclusive), zeros where nothing happened.

    Days before yesterday come from DailyUsage only; today and yesterday also
    count, live, the events after their last aggregation (all of them on a
    system whose aggregation never ran).
    """
    now = now or timezone.now()
    days = {
        inicio + dt.timedelta(days=n): DayUsage(inicio + dt.timedelta(days=n))
        for n in range((fim - inicio).days + 1)
    }
    rows = DailyUsage.objects.filter(dia__range=(inicio, fim))
    for row in rows.exclude(metrica__in=PER_USER_METRICS).values_list(
        "dia", "metrica", "chave", "valor"
    ):
        dia, metrica, chave, valor = row
        days[dia].values[(metrica, chave)] = valor
    stored: dict[str, dict[str, float]] = {}
    per_user = rows.filter(metrica__in=PER_USER_METRICS).values("metrica", "chave")
    for metrica, chave, total in per_user.annotate(total=Sum("valor")).values_list(
        "metrica", "chave", "total"
    ):
        stored.setdefault(metrica, {})[chave] = total
    today = timezone.localdate(now)
    for n in range(LIVE_DAYS):
        day = days.get(today - dt.timedelta(days=n))
        if day is not None:
            _count_since_watermark(day, now)
    formats = {
        chave for day in days.values() for metrica, chave in day.values if metrica == "exportacoes"
    }
    return PeriodUsage(days=list(days.values()), formats=sorted(formats), stored_by_key=stored)
