"""Usage metrics for managers: one day from the audit trail, a period from DailyUsage.

``usage_aggregate_day`` turns a day of audit events into DailyUsage rows (one
pass over that day's events, on the audit time index); ``usage_period`` reads a
period back, so a year of the metrics page costs a few thousand small rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from audit.choices import Action
from audit.models import AuditEvent
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
    start, end = _day_bounds(dia)
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
    return values


@transaction.atomic
def usage_aggregate_day(*, dia: dt.date) -> int:
    """Rebuild the DailyUsage rows of ``dia`` from the audit trail; return how many."""
    values = usage_compute_day(dia)
    DailyUsage.objects.filter(dia=dia).delete()
    DailyUsage.objects.bulk_create(
        DailyUsage(dia=dia, metrica=metrica, chave=chave, valor=valor)
        for (metrica, chave), valor in values.items()
    )
    return len(values)


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

    @property
    def tempo_p95_ms(self) -> float | None:
        """Estimate the period's p95 from the summed daily histograms (linear
        within a bucket, as Prometheus' histogram_quantile does)."""
        counts = [self.total("tempo_faixa_ms", str(b)) for b in DURATION_BUCKETS_MS]
        overflow = self.total("tempo_faixa_ms", "inf")
        total = sum(counts) + overflow
        if not total:
            return None
        rank, seen, lower = 0.95 * total, 0.0, 0.0
        for upper, count in zip(DURATION_BUCKETS_MS, counts, strict=True):
            if count and seen + count >= rank:
                return lower + (upper - lower) * (rank - seen) / count
            seen, lower = seen + count, float(upper)
        return float(DURATION_BUCKETS_MS[-1])  # beyond the last bound: report the bound


def usage_period(*, inicio: dt.date, fim: dt.date) -> PeriodUsage:
    """Return every day from ``inicio`` to ``fim`` (inclusive), zeros where nothing happened."""
    days = {
        inicio + dt.timedelta(days=n): DayUsage(inicio + dt.timedelta(days=n))
        for n in range((fim - inicio).days + 1)
    }
    formats = set()
    for row in DailyUsage.objects.filter(dia__range=(inicio, fim)).values_list(
        "dia", "metrica", "chave", "valor"
    ):
        dia, metrica, chave, valor = row
        days[dia].values[(metrica, chave)] = valor
        if metrica == "exportacoes":
            formats.add(chave)
    return PeriodUsage(days=list(days.values()), formats=sorted(formats))
