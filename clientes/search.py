"""Search SQL for clients: the only module that knows how clients are matched.

Names are compared in a folded form (lower case, no accents, no apostrophes,
punctuation as spaces) that PostgreSQL computes itself in generated columns
(``nome_busca``, ``nome_tsv``, ``nome_mae_tsv``, see migration 0003); ``fold``
is its Python twin for what the user typed. Every typed word must be the
prefix of some word of the name, in any order, through a GIN index.

Counts are capped (``COUNT_CAP``) so that a broad search costs the same as a
narrow one; category counts ("facets") are exact whenever the total is.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Func, RawSQL
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThan, IsNull, LessThan, StartsWith
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.br import only_digits
from clientes.choices import UF, Sexo
from clientes.models import Cliente, Endereco
from common import replicas

# Totals above this are reported as "10.000+" instead of being counted.
COUNT_CAP = 10_000
# At most this many words of a name are used (more add cost, not precision).
MAX_NAME_WORDS = 8
# Connecting words of Brazilian names: typed or not, they don't narrow a search.
PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e"})

AGE_BANDS = (
    ("18-29", _("18 a 29 anos"), 18, 29),
    ("30-44", _("30 a 44 anos"), 30, 44),
    ("45-59", _("45 a 59 anos"), 45, 59),
    ("60+", _("60 anos ou mais"), 60, None),
)

_APOSTROPHES = re.compile("['`\u00b4\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# What a CPF or phone looks like when typed: digits and mask characters only.
_IDENTIFIER = re.compile(r"[\d\s.\-()/+]+")
_MASKED_CPF = re.compile(r"\d{3}\.")


# --- Text ---------------------------------------------------------------------


def fold(value: str) -> str:
    """Return ``value`` folded like SQL ``gc_search_text``: "D'Ávila" -> "davila"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def name_words(value: str) -> list[str]:
    """Return the distinct folded words of a typed name, particles dropped, in order."""
    words = list(dict.fromkeys(fold(value).split()))
    meaningful = [w for w in words if w not in PARTICLES]
    return (meaningful or words)[:MAX_NAME_WORDS]


# A typed word expanding to more vocabulary words than this stays a prefix query.
MAX_EXPANSION = 40


def _expand(word: str) -> str:
    """Return the tsquery term for "a name word starting with ``word``".

    The words of the name vocabulary with that prefix, OR-ed ("mari" ->
    "maria | mariana | marilia"), are exact index entries that GIN intersects
    by skipping; a prefix term ("mari:*") is first gathered whole into a
    bitmap, which makes "maria jose silva santos" 8x slower. Very short
    prefixes, or words the vocabulary lacks, keep the prefix form.
    """
    with connections[replicas.read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT palavra FROM clientes_nome_palavras WHERE palavra LIKE %s ORDER BY 1 LIMIT %s",
            [word + "%", MAX_EXPANSION + 1],
        )
        expansion = [row[0] for row in cursor.fetchall()]
    if not expansion or len(expansion) > MAX_EXPANSION:
        return f"{word}:*"
    return "(" + " | ".join(expansion) + ")"


def _prefix_query(words: list[str]) -> SearchQuery:
    # Words are [a-z0-9]+ after folding, and so are the vocabulary's: no
    # tsquery syntax can be injected.
    return SearchQuery(" & ".join(_expand(w) for w in words), search_type="raw", config="simple")


# --- Filters ------------------------------------------------------------------


def by_name(queryset: QuerySet, value: str) -> QuerySet:
    """Clients whose name has every typed word as a word prefix (any order)."""
    words = name_words(value)
    if not words:  # only punctuation: no name is made of it
        return queryset.none()
    return queryset.filter(nome_tsv=_prefix_query(words))


def by_mother_name(queryset: QuerySet, value: str) -> QuerySet:
    """The same rules as ``by_name``, for the mother's name."""
    words = name_words(value)
    if not words:
        return queryset.none()
    return queryset.filter(nome_mae_tsv=_prefix_query(words))


def by_cpf(queryset: QuerySet, value: str) -> QuerySet:
    """Exact match for 11 digits, prefix match for fewer (mask optional)."""
    digits = only_digits(value)
    if len(digits) == 11:
        return queryset.filter(cpf=digits)
    return queryset.filter(cpf__startswith=digits)


def phone_condition(digits: str) -> tuple[str, list] | None:
    """SQL over clientes_telefones for typed phone digits, or None if too short."""
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]  # +55 country code
    if len(digits) in (10, 11):
        return "numero = %s", [digits]
    if len(digits) in (8, 9):  # typed without DDD: match the end of the number
        return "reverse(numero) LIKE %s", [digits[::-1] + "%"]
    return None


def by_phone(queryset: QuerySet, value: str) -> QuerySet:
    """Clients with a phone equal to the digits, or ending with them (no DDD)."""
    condition = phone_condition(only_digits(value))
    if condition is None:
        return queryset.none()
    sql, params = condition
    phones = f"SELECT cliente_id FROM clientes_telefones WHERE {sql}"
    return queryset.filter(id_cliente__in=RawSQL(phones, params))  # noqa: S611 - digits, as params


def looks_like_identifier(value: str) -> bool:
    """Return True for digits with optional mask characters (a CPF, phone, CEP)."""
    text = (value or "").strip()
    return bool(only_digits(text)) and bool(_IDENTIFIER.fullmatch(text))


def is_masked_cpf(value: str) -> bool:
    """Return True when typed like "123.456...": a CPF, never a phone."""
    return bool(_MASKED_CPF.match(value.strip()))


def by_identifier(queryset: QuerySet, value: str, *, cpf_prefix: bool = True) -> QuerySet:
    """Digits typed in the search box: a CPF (exact or prefix) or a phone.

    Without ``cpf_prefix`` fewer than 11 digits are a phone only: a CPF prefix
    would let who sees masked CPFs recover the hidden digits one query at a time.
    """
    digits = only_digits(value)
    if is_masked_cpf(value):
        return by_cpf(queryset, digits)
    cpf_sql = "SELECT id_cliente FROM clientes WHERE cpf = %s"
    cpf_params = [digits]
    if len(digits) < 11 and cpf_prefix:
        cpf_sql = "SELECT id_cliente FROM clientes WHERE cpf LIKE %s"
        cpf_params = [digits + "%"]
    elif len(digits) != 11:
        cpf_sql, cpf_params = None, []
    phone = phone_condition(digits)
    if phone is None:
        return by_cpf(queryset, digits) if cpf_sql else queryset.none()
    phone_sql = f"SELECT cliente_id FROM clientes_telefones WHERE {phone[0]}"
    if cpf_sql is None:
        return queryset.filter(id_cliente__in=RawSQL(phone_sql, phone[1]))  # noqa: S611
    # A UNION of two index lookups: an OR across tables would scan every client.
    union = f"{cpf_sql} UNION {phone_sql}"
    return queryset.filter(id_cliente__in=RawSQL(union, [*cpf_params, *phone[1]]))  # noqa: S611


def by_email(queryset: QuerySet, value: str) -> QuerySet:
    """Clients whose e-mail starts with the typed text (case-insensitive)."""
    return queryset.filter(StartsWith(Lower("email"), value.strip().lower()))


def by_query(queryset: QuerySet, value: str, *, cpf_prefix: bool = True) -> QuerySet:
    """The one search box: recognise a CPF, a phone, an e-mail or a name.

    Without ``cpf_prefix`` digits match a CPF only whole (see ``by_identifier``).
    """
    text = value.strip()
    if "@" in text:
        return by_email(queryset, text)
    if looks_like_identifier(text):
        return by_identifier(queryset, text, cpf_prefix=cpf_prefix)
    return by_name(queryset, text)


def query_is_full_cpf(value: str) -> bool:
    """Return True when the box holds a whole CPF (11 digits, masked or not)."""
    return looks_like_identifier(value) and len(only_digits(value)) == 11


def by_address(queryset: QuerySet, cidade: str = "", uf: str = "") -> QuerySet:
    """Clients with an address in the city and/or state (one address matching both).

    The city is compared whole, accent- and case-insensitively ("sao paulo").
    Both sides are on the client row, kept by triggers: the principal address
    as columns (migration 0006, with an index on UF, city and birth date) and
    the other addresses, which ~10% of clients have, as tokens in a partial
    GIN index (migration 0007). The two index scans are OR-ed in one bitmap.
    """
    folded = fold(cidade) if cidade else ""
    if cidade and not folded:
        return queryset.none()
    principal, params = [], []
    if uf:
        principal.append('"clientes"."uf_principal" = %s')
        params.append(uf)
    if folded:
        principal.append('"clientes"."cidade_principal_busca" = %s')
        params.append(folded)
    tokens = {(True, True): f"local:{uf}:{folded}", (True, False): f"uf:{uf}"}
    token = tokens.get((bool(uf), bool(folded)), f"cidade:{folded}")
    sql = (
        f"({' AND '.join(principal)}) "
        'OR "clientes"."enderecos_secundarios_busca" @> ARRAY[%s]::text[]'
    )
    # Values are bound parameters; the SQL is fixed text.
    return queryset.filter(RawSQL(sql, [*params, token], output_field=BooleanField()))  # noqa: S611


def by_cep(queryset: QuerySet, value: str) -> QuerySet:
    """Clients with an address whose CEP is (or starts with) the typed digits."""
    digits = only_digits(value)
    enderecos = Endereco.objects.filter(cliente=OuterRef("pk"), cep__startswith=digits)
    return queryset.filter(Exists(enderecos))


def by_status(queryset: QuerySet, value: str) -> QuerySet:
    if value == "ativo":
        return queryset.filter(ativo=True)
    if value == "inativo":
        return queryset.filter(ativo=False)
    return queryset


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a non-leap year
        return today.replace(year=today.year - years, day=28)


def by_min_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at least ``years`` old today."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__lte=_years_ago(years, today))


def by_max_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at most ``years`` old today (born after the day they'd turn years+1)."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__gt=_years_ago(years + 1, today))


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def by_created_from(queryset: QuerySet, day: date) -> QuerySet:
    """Clients registered on or after ``day`` (local time)."""
    return queryset.filter(created_at__gte=_start_of_day(day))


def by_created_until(queryset: QuerySet, day: date) -> QuerySet:
    """Clients registered on or before ``day`` (local time, the whole day)."""
    return queryset.filter(created_at__lt=_start_of_day(day + timedelta(days=1)))


# --- Ordering -----------------------------------------------------------------

# Public ordering names -> the column that sorts them (ascending). Each ordering
# has an index (column, id_cliente); the primary key breaks ties in the same
# direction, so pages never repeat or skip a client and keyset cursors work.
ORDERINGS = {
    "nome_completo": "nome_busca",
    "cpf": "cpf",
    "data_nascimento": "data_nascimento",
    "idade": "-data_nascimento",  # older first = earlier birth date
    "created_at": "created_at",
    "id_cliente": "id_cliente",
    "cidade": "cidade_principal_busca",  # of the principal address, folded
    "status": "-ativo",  # actives first, as "Ativo" < "Inativo"
}
DEFAULT_ORDERING = "nome_completo"
# Searches for a name rank by default: the exact name first, then names having
# every typed word whole, then names where they are only prefixes; within each,
# shorter names (fewer words the analyst did not type) first, then A-Z.
RELEVANCE = "relevancia"
NULLABLE_ORDERINGS = frozenset({"data_nascimento", "cidade_principal_busca"})
# Columns kept by triggers, not model fields (migration 0006).
_RAW_COLUMNS = frozenset({"cidade_principal_busca", "uf_principal"})


def column_expression(name: str):
    """Return the expression of a client column: a model field or a trigger-kept one."""
    if name in _RAW_COLUMNS:
        return RawSQL(f'"clientes"."{name}"', [], output_field=TextField())  # noqa: S611
    return F(name)


def name_text(criteria) -> str:
    """Return the name a search looks for ('' for CPF/phone/e-mail or no name)."""
    typed = criteria.get("q") or ""
    if typed and not looks_like_identifier(typed) and "@" not in typed:
        return typed
    return criteria.get("nome") or ""


def default_ordering(criteria) -> str:
    """Return the ordering of a search that names none: relevance for names."""
    return RELEVANCE if name_words(name_text(criteria)) else DEFAULT_ORDERING


def relevance(text: str):
    """Return an expression ranking names for ``text``: 0 exact, 1 whole words, 2 prefixes."""
    words = name_words(text)
    if not words:
        return Value(0)
    whole = SearchQuery(" & ".join(words), search_type="raw", config="simple")
    return Case(
        When(nome_busca=" ".join(fold(text).split()), then=Value(0)),
        When(nome_tsv=whole, then=Value(1)),
        default=Value(2),
    )


def ordering_columns(ordering: str) -> tuple[str, bool]:
    """Return (column, descending) for a public ordering such as "-idade"."""
    if ordering == RELEVANCE:
        return "nome_busca", False  # after the relevance rank
    descending = ordering.startswith("-")
    column = ORDERINGS[ordering.lstrip("-")]
    if column.startswith("-"):
        column, descending = column[1:], not descending
    return column, descending


def order(queryset: QuerySet, ordering: str, text: str = "") -> QuerySet:
    """Sort by a public ordering with the primary key as tie-break."""
    column, descending = ordering_columns(ordering)
    if ordering == RELEVANCE:
        return queryset.order_by(
            relevance(text).asc(), Length(column).asc(), F(column).asc(), F("id_cliente").asc()
        )
    if column == "id_cliente":
        return queryset.order_by("-id_cliente" if descending else "id_cliente")
    if descending:
        return queryset.order_by(column_expression(column).desc(), F("id_cliente").desc())
    return queryset.order_by(column_expression(column).asc(), F("id_cliente").asc())


def after_key(queryset: QuerySet, ordering: str, key: list) -> QuerySet:
    """Keyset pagination: the rows after ``key`` = [column value, id_cliente]."""
    column, descending = ordering_columns(ordering)
    compare = LessThan if descending else GreaterThan
    value, last_id = key
    if column == "id_cliente":
        return queryset.filter(compare(F("id_cliente"), last_id))
    expression = column_expression(column)
    is_null = IsNull(expression, True)
    if value is None:  # NULLs sort last ascending, first descending
        if descending:
            return queryset.filter(
                (Q(is_null) & Q(id_cliente__lt=last_id)) | Q(IsNull(expression, False))
            )
        return queryset.filter(is_null).filter(compare(F("id_cliente"), last_id))
    # A row comparison (col, id) > (v, id) walks the (col, id) index directly.
    row = Func(expression, F("id_cliente"), function="ROW", output_field=TextField())
    typed = Value(_typed(column, value))
    key = Func(typed, Value(last_id), function="ROW", output_field=TextField())
    after = compare(row, key)
    if descending or column not in NULLABLE_ORDERINGS:
        return queryset.filter(after)
    return queryset.filter(Q(after) | Q(is_null))


def _typed(column: str, value):
    if column == "data_nascimento":
        return date.fromisoformat(value)
    if column == "created_at":
        return datetime.fromisoformat(value)
    return value


# --- Counts, categories and suggestions ---------------------------------------


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
        sql, params = "data_nascimento <= %s", [_years_ago(low, today)]
        if high is not None:
            sql += " AND data_nascimento > %s"
            params.append(_years_ago(high + 1, today))
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


def search_matches(
    queryset: QuerySet,
    ordering: str,
    offset: int,
    limit: int,
    today: date | None = None,
    text: str = "",
) -> Matches:
    """Count, categorise and page the matches of ``queryset`` in one statement.

    The matches are read once, up to COUNT_CAP + 1 of them (one index scan),
    then counted, split by category and sorted in memory. Past the cap a
    search is "broad": its total shows as "10.000+", the page comes from those
    first COUNT_CAP matches in the requested order, and categories are the
    shares among them scaled to the planner's estimate of the total (flagged
    as estimates). This keeps a search of half a million clients as fast as
    one of a hundred; narrowing it makes every number exact again.
    """
    column, descending = ordering_columns(ordering)
    key = "id_cliente" if column == "id_cliente" else column
    rank, extra = Value(0), Value(0)
    if ordering == RELEVANCE:
        rank, extra = relevance(text), Length(key)
    matches = (
        queryset.order_by()
        .annotate(
            sort_key=column_expression(key),
            rank=rank,
            extra=extra,
            uf_principal=column_expression("uf_principal"),
        )
        .values(
            "id_cliente",
            "sort_key",
            "rank",
            "extra",
            "ativo",
            "sexo",
            "data_nascimento",
            "uf_principal",
        )[: COUNT_CAP + 1]
    )
    matches_sql, matches_params = matches.query.sql_with_params()
    conditions = [c for c in facet_conditions(today) if c.facet != "uf"]
    columns = ", ".join(f"count(*) FILTER (WHERE {c.sql})" for c in conditions)
    direction = "DESC" if descending else "ASC"
    sql = f"""
        WITH m AS MATERIALIZED ({matches_sql}),
        counted AS (SELECT count(*) AS total, {columns} FROM m),
        uf_sample AS (
            SELECT uf_principal AS uf FROM (
                SELECT uf_principal, row_number() OVER () AS n FROM m
            ) s
            WHERE uf_principal IS NOT NULL
              AND s.n <= CASE WHEN (SELECT total FROM counted) > %s THEN %s ELSE %s END
        )
        SELECT counted.*,
            (SELECT json_object_agg(uf, n) FROM
                (SELECT uf, count(*) AS n FROM uf_sample GROUP BY uf) u) AS ufs,
            (SELECT count(*) FROM uf_sample) AS uf_sampled,
            ARRAY(SELECT id_cliente FROM m
                  ORDER BY rank, extra, sort_key {direction}, id_cliente {direction}
                  OFFSET %s LIMIT %s) AS page_ids
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
        total, *per_condition, ufs, uf_sampled, page_ids = cursor.fetchone()
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
    )


def estimate_count(queryset: QuerySet) -> int:
    """Return the planner's estimate of how many rows ``queryset`` matches."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


# "Você quis dizer": a misspelled word is replaced by vocabulary words at most
# this many edits away (levenshtein), the most frequent first.
SUGGESTION_CANDIDATES = 3


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def _word_candidates(cursor, word: str) -> list[str]:
    """Return the typed word (if some name has a word starting with it) and close words."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM clientes_nome_palavras WHERE palavra LIKE %s)",
        [word + "%"],
    )
    typed = [word] if cursor.fetchone()[0] else []
    edits = _max_edits(word)
    cursor.execute(
        """
        SELECT palavra FROM clientes_nome_palavras
        WHERE length(palavra) BETWEEN %s AND %s AND palavra <> %s
          AND levenshtein(palavra, %s) <= %s
        ORDER BY levenshtein(palavra, %s), frequencia DESC, palavra
        LIMIT %s
        """,
        [len(word) - edits, len(word) + edits, word, word, edits, word, SUGGESTION_CANDIDATES],
    )
    return typed + [row[0] for row in cursor.fetchall()]


def suggest_names(value: str, limit: int = 3) -> list[str]:
    """Return corrected spellings of a typed name that found nothing.

    Words are swapped for the closest words of the name vocabulary, fewest
    changes first ("maira silva" -> "maria silva", "luiz souza" -> "luis
    souza" when only a Luís Souza exists); only spellings that find someone
    are offered.
    """
    words = name_words(value)
    if not words:
        return []
    with connections[replicas.read_alias()].cursor() as cursor:
        candidates = [_word_candidates(cursor, word) for word in words]
    if not all(candidates):
        return []  # a word with nothing close: beyond repair
    # Best combinations first: the sum of each word's candidate rank.
    combos = sorted(
        itertools.product(*(enumerate(c) for c in candidates)),
        key=lambda combo: sum(rank for rank, _word in combo),
    )
    suggestions = []
    for combo in combos[: limit * 4]:
        text = " ".join(word for _rank, word in combo)
        if text == " ".join(words):
            continue  # what was typed found nobody
        if by_name(Cliente.objects.all(), text).exists():
            suggestions.append(text)
            if len(suggestions) == limit:
                break
    return suggestions
