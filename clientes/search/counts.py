"""How many clients a search found, split by category, and which ones are on the page.

Counts are capped (``COUNT_CAP``) so that a broad search costs the same as a
narrow one; category counts ("facets") are exact whenever the total is.
Callers read ``counts.COUNT_CAP`` at call time (tests lower it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, Value
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.ages import years_ago
from clientes.choices import UF, Sexo
from clientes.search.sorting import (
    RELEVANCE,
    column_expression,
    ordering_columns,
    relevance,
    spelled_alike,
)
from common import replicas

# Totals above this are reported as "10.000+" instead of being counted.
COUNT_CAP = 10_000

AGE_BANDS = (
    ("18-29", _("18 a 29 anos"), 18, 29),
    ("30-44", _("30 a 44 anos"), 30, 44),
    ("45-59", _("45 a 59 anos"), 45, 59),
    ("60+", _("60 anos ou mais"), 60, None),
)


@dataclass(frozen=True)
class FacetCondition:
    facet: str
    value: str
    label: str
    sql: str
    params: tuple


def facet_conditions(today: date | None = None) -> list[FacetCondition]:
    """Return every category counted next to results: UF, status, sexo, age band."""
    today = today or timezone.localdate()
    conditions = [FacetCondition("uf", uf, label, "uf = %s", (uf,)) for uf, label in UF.choices]
    conditions += [
        FacetCondition("status", "ativo", str(_("Ativo")), "ativo", ()),
        FacetCondition("status", "inativo", str(_("Inativo")), "NOT ativo", ()),
    ]
    conditions += [
        FacetCondition("sexo", value, label, "sexo = %s", (value,)) for value, label in Sexo.choices
    ]
    for value, label, low, high in AGE_BANDS:
        sql, params = "data_nascimento <= %s", [years_ago(low, today)]
        if high is not None:
            sql += " AND data_nascimento > %s"
            params.append(years_ago(high + 1, today))
        conditions.append(FacetCondition("idade", value, str(label), sql, tuple(params)))
    return conditions


# Broad searches estimate the UF category from this many of their matches;
# exactly counted searches count all of them. The UF of a client is that of its
# principal address, copied onto the client row (migration 0006).
UF_SAMPLE = 1_000


@dataclass(frozen=True)
class Matches:
    """Count, categories and the ids of one page of a search."""

    total: int  # exact when ``exact``, else COUNT_CAP + 1 ("10.000+")
    exact: bool
    facets: dict[tuple[str, str], int]  # (facet, value) -> count, estimated unless exact
    page_ids: list[int]
    # Of ``total``, the clients found only by a spelling alike (phonetic tier).
    alike: int = 0
    alike_ids: frozenset[int] = frozenset()
    # Of ``total``, the clients in the best relevance tier of a name search
    # (namesakes, when that is the exact name): equally good matches.
    best: int = 0


def search_matches(
    queryset: QuerySet,
    ordering: str,
    offset: int,
    limit: int,
    today: date | None = None,
    text: str = "",
    mother: str = "",
) -> Matches:
    """Count, categorise and page the matches of ``queryset`` in one statement.

    The matches are read once, up to COUNT_CAP + 1 of them (one index scan),
    then counted, split by category and sorted in memory. Past the cap a
    search is "broad": its total shows as "10.000+", the page comes from those
    first COUNT_CAP matches in the requested order, and categories are the
    shares among them scaled to the planner's estimate of the total (flagged
    as estimates). This keeps a search of half a million clients as fast as
    one of a hundred; narrowing it makes every number exact again.

    ``text`` and ``mother`` are the names searched: they rank the rows and
    tell the ones found only by a spelling alike.
    """
    column, descending = ordering_columns(ordering)
    key = "id_cliente" if column == "id_cliente" else column
    tier = relevance(text)
    rank, extra = Value(0), Value(0)
    if ordering == RELEVANCE:
        rank, extra = tier, Length(key)
    matches = (
        queryset.order_by()
        .annotate(
            sort_key=column_expression(key),
            rank=rank,
            extra=extra,
            tier=tier,
            alike=spelled_alike(text, mother),
            uf_principal=column_expression("uf_principal"),
        )
        .values(
            "id_cliente",
            "sort_key",
            "rank",
            "extra",
            "tier",
            "alike",
            "ativo",
            "sexo",
            "data_nascimento",
            "uf_principal",
        )[: COUNT_CAP + 1]
    )
    try:
        matches_sql, matches_params = matches.query.sql_with_params()
    except EmptyResultSet:  # a criterion that matches nobody, e.g. a name of no word
        return Matches(total=0, exact=True, facets={}, page_ids=[])
    conditions = [c for c in facet_conditions(today) if c.facet != "uf"]
    columns = ", ".join(f"count(*) FILTER (WHERE {c.sql})" for c in conditions)
    direction = "DESC" if descending else "ASC"
    page_order = f"ORDER BY rank, extra, sort_key {direction}, id_cliente {direction}"
    sql = f"""
        WITH m AS MATERIALIZED ({matches_sql}),
        counted AS (
            SELECT count(*) AS total, {columns},
                count(*) FILTER (WHERE alike) AS alike,
                count(*) FILTER (WHERE tier = (SELECT min(tier) FROM m)) AS best
            FROM m
        ),
        uf_sample AS (
            SELECT uf_principal AS uf FROM (
                SELECT uf_principal, row_number() OVER () AS n FROM m
            ) s
            WHERE uf_principal IS NOT NULL
              AND s.n <= CASE WHEN (SELECT total FROM counted) > %s THEN %s ELSE %s END
        ),
        page AS (SELECT * FROM m {page_order} OFFSET %s LIMIT %s)
        SELECT counted.*,
            (SELECT json_object_agg(uf, n) FROM
                (SELECT uf, count(*) AS n FROM uf_sample GROUP BY uf) u) AS ufs,
            (SELECT count(*) FROM uf_sample) AS uf_sampled,
            ARRAY(SELECT id_cliente FROM page {page_order}) AS page_ids,
            ARRAY(SELECT id_cliente FROM page WHERE alike) AS alike_ids
        FROM counted
    """
    params = [
        *matches_params,
        *(p for c in conditions for p in c.params),
        COUNT_CAP,
        UF_SAMPLE,
        COUNT_CAP + 1,
        offset,
        limit,
    ]
    with connections[replicas.read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        total, *per_condition, alike, best, ufs, uf_sampled, page_ids, alike_ids = cursor.fetchone()
    exact = total <= COUNT_CAP
    facets = {(c.facet, c.value): n for c, n in zip(conditions, per_condition, strict=True)}
    facets.update({("uf", uf): n for uf, n in (ufs or {}).items()})
    if not exact:
        estimate = max(estimate_count(queryset), total)
        facets = {
            k: round(n * estimate / (max(uf_sampled, 1) if k[0] == "uf" else total))
            for k, n in facets.items()
        }
    return Matches(
        total=total,
        exact=exact,
        facets={k: n for k, n in facets.items() if n},
        page_ids=list(page_ids),
        alike=alike,
        alike_ids=frozenset(alike_ids),
        best=best,
    )


def estimate_count(queryset: QuerySet) -> int:
    """Return the planner's estimate of how many rows ``queryset`` matches."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
