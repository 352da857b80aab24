"""Search SQL for clients: the only module that knows how clients are matched.

Names are compared in a folded form (lower case, no accents, no apostrophes,
punctuation as spaces) that PostgreSQL computes itself in generated columns
(``nome_busca``, ``nome_tsv``, ``nome_mae_tsv``, see migration 0003); ``fold``
is its Python twin for what the user typed. Every typed word must be the
prefix of some word of the name, or a word spelled alike (same phonetic key,
migration 0010), in any order, through a GIN index. The name tsvectors also
hold names with apostrophes and hyphens read both ways ("D'Ávila" as "davila"
and "d avila"). Spellings alike rank last and are marked.

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
from django.core.exceptions import EmptyResultSet
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

from clientes.choices import UF, Sexo
from clientes.models import Cliente, Endereco
from common import replicas
from common.br import only_digits

# Totals above this are reported as "10.000+" instead of being counted.
COUNT_CAP = 10_000
# At most this many words of a name are used (more add cost, not precision).
MAX_NAME_WORDS = 8
# Connecting words of Brazilian names: typed or not, they don't narrow a search.
# An elided "d'" typed apart ("d avila") is one too: the name's index holds
# "avila" as well as "davila" (migration 0010).
PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e", "d", "di", "del", "della", "du"})

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
# Shorter typed words are taken as the start of a word, never as a spelling.
MIN_PHONETIC_LENGTH = 3


@dataclass(frozen=True)
class WordTerms:
    """The tsquery terms of one typed word: as typed (prefix) and spelled alike."""

    exact: str
    alike: str


def _word_terms(words: list[str]) -> list[WordTerms]:
    """Return the terms of each typed word, read from the name vocabulary in one statement.

    A word's exact term is "a name word starting with it": the vocabulary
    words with that prefix, OR-ed ("mari" -> "maria | mariana | marilia"),
    are exact index entries that GIN intersects by skipping; a prefix term
    ("mari:*") is first gathered whole into a bitmap, which makes "maria jose
    silva santos" 8x slower. Very short prefixes, or words the vocabulary
    lacks, keep the prefix form. The alike term adds the vocabulary words
    with the same phonetic key (``gc_fonetica``, migration 0010: "souza" ->
    "sousa"), found through the vocabulary's index on that key.
    """
    parts, params = [], []
    for n, word in enumerate(words):
        parts.append(
            "(SELECT %s, false, palavra FROM clientes_nome_palavras"
            " WHERE palavra LIKE %s ORDER BY palavra LIMIT %s)"
        )
        params += [n, word + "%", MAX_EXPANSION + 1]
        if len(word) >= MIN_PHONETIC_LENGTH and not word.isdigit():
            parts.append(
                "(SELECT %s, true, palavra FROM clientes_nome_palavras"
                " WHERE fonetica = gc_fonetica(%s) AND palavra NOT LIKE %s"
                " ORDER BY frequencia DESC, palavra LIMIT %s)"
            )
            params += [n, word, word + "%", MAX_EXPANSION + 1]
    prefixed = [[] for _word in words]
    alike = [[] for _word in words]
    with connections[replicas.read_alias()].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for n, is_alike, palavra in cursor.fetchall():
            (alike if is_alike else prefixed)[n].append(palavra)
    terms = []
    for word, starting, sounding in zip(words, prefixed, alike, strict=True):
        # Words are [a-z0-9]+ after folding, and so are the vocabulary's: no
        # tsquery syntax can be injected.
        exact = [f"{word}:*"] if not starting or len(starting) > MAX_EXPANSION else starting
        if len(sounding) > MAX_EXPANSION:
            sounding = []  # a key shared by that many words says nothing
        terms.append(
            WordTerms(
                exact="(" + " | ".join(exact) + ")",
                alike="(" + " | ".join(exact + sorted(sounding)) + ")",
            )
        )
    return terms


def _raw_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config="simple")


def _name_query(words: list[str]) -> SearchQuery:
    """Return the tsquery of a typed name: every word as typed or spelled alike."""
    return _raw_query(" & ".join(t.alike for t in _word_terms(words)))


def _prefix_query(words: list[str]) -> SearchQuery:
    """Return the tsquery "every word is the prefix of a word", for one row at a time.

    Not for finding rows (see ``_word_terms``): tested against a row's own
    tsvector, a prefix costs no more than a word.
    """
    return _raw_query(" & ".join(f"{word}:*" for word in words))


# --- The search box -----------------------------------------------------------

# A birth date typed with a name: dd/mm/aaaa (or dd.mm.aaaa, dd-mm-aaaa) or ISO.
_BOX_DATE = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))(?!\d)"
)
# "maria silva mãe conceição": what follows "mãe"/"mae" is the mother's name.
_BOX_MOTHER = re.compile(r"(?<!\w)m[aã]e(?!\w)[:\s]*", re.IGNORECASE)


@dataclass(frozen=True)
class BoxText:
    """What a name typed in the search box holds besides the name.

    ``bad_date`` is True when something shaped like a date is no calendar day
    (31/02/1985); ``date_count`` tells a second date apart.
    """

    name: str = ""
    data_nascimento: date | None = None
    nome_mae: str = ""
    bad_date: bool = False
    date_count: int = 0


def parse_box(value: str) -> BoxText:
    """Split the text of the box into name, birth date and mother's name."""
    text = value or ""
    found = list(_BOX_DATE.finditer(text))
    born, bad = None, False
    for match in found:
        try:
            if match["y"]:
                born = date(int(match["y"]), int(match["m"]), int(match["d"]))
            else:
                born = date(int(match["iy"]), int(match["im"]), int(match["id"]))
        except ValueError:
            bad = True
    text = _BOX_DATE.sub(" ", text)
    name, mother = text, ""
    split = _BOX_MOTHER.split(text, maxsplit=1)
    if len(split) == 2 and fold(split[1]):
        name, mother = split
    return BoxText(
        name=" ".join(name.split()),
        data_nascimento=born,
        nome_mae=" ".join(mother.split()),
        bad_date=bad,
        date_count=len(found),
    )


def box_kind(value: str) -> str:
    """Return what the box holds: "email", "identifier" (CPF/phone) or "name"."""
    text = (value or "").strip()
    if "@" in text:
        return "email"
    if looks_like_identifier(text) and not _BOX_DATE.search(text):
        return "identifier"
    return "name"


# --- Filters ------------------------------------------------------------------


def by_name(queryset: QuerySet, value: str) -> QuerySet:
    """Clients whose name has every typed word as a word prefix, or spelled alike (any order)."""
    words = name_words(value)
    if not words:  # only punctuation: no name is made of it
        return queryset.none()
    return queryset.filter(nome_tsv=_name_query(words))


def by_mother_name(queryset: QuerySet, value: str) -> QuerySet:
    """The same rules as ``by_name``, for the mother's name."""
    words = name_words(value)
    if not words:
        return queryset.none()
    return queryset.filter(nome_mae_tsv=_name_query(words))


def by_birth_date(queryset: QuerySet, day: date) -> QuerySet:
    """Clients born on ``day``."""
    return queryset.filter(data_nascimento=day)


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
    A name may come with a birth date and, after "mãe", the mother's name
    ("maria silva 12/04/1985 mae conceicao").
    """
    text = value.strip()
    kind = box_kind(text)
    if kind == "email":
        return by_email(queryset, text)
    if kind == "identifier":
        return by_identifier(queryset, text, cpf_prefix=cpf_prefix)
    box = parse_box(text)
    if name_words(box.name) or not (box.data_nascimento or box.nome_mae):
        queryset = by_name(queryset, box.name)
    if box.data_nascimento:
        queryset = by_birth_date(queryset, box.data_nascimento)
    if box.nome_mae:
        queryset = by_mother_name(queryset, box.nome_mae)
    return queryset


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
    if typed and box_kind(typed) == "name":
        name = parse_box(typed).name
        if name_words(name):
            return name
    return criteria.get("nome") or ""


def mother_text(criteria) -> str:
    """Return the mother's name a search looks for (the box's "mãe ..." or ``nome_mae``)."""
    typed = criteria.get("q") or ""
    if typed and box_kind(typed) == "name":
        mother = parse_box(typed).nome_mae
        if mother:
            return mother
    return criteria.get("nome_mae") or ""


def default_ordering(criteria) -> str:
    """Return the ordering of a search that names none: relevance for names."""
    return RELEVANCE if name_words(name_text(criteria)) else DEFAULT_ORDERING


# Relevance tiers of a name search.
TIER_EXACT, TIER_WHOLE_WORDS, TIER_PREFIXES, TIER_ALIKE = 0, 1, 2, 3


def relevance(text: str):
    """Return an expression ranking names for ``text``.

    0 the exact name, 1 every typed word whole, 2 as prefixes, 3 only spelled
    alike ("grafia semelhante"): an exactly spelled client always comes first.
    """
    words = name_words(text)
    if not words:
        return Value(TIER_EXACT)
    return Case(
        When(nome_busca=" ".join(fold(text).split()), then=Value(TIER_EXACT)),
        When(nome_tsv=_raw_query(" & ".join(words)), then=Value(TIER_WHOLE_WORDS)),
        When(nome_tsv=_prefix_query(words), then=Value(TIER_PREFIXES)),
        default=Value(TIER_ALIKE),
    )


def spelled_alike(name: str, mother: str = ""):
    """Return an expression true for a client found only by a spelling alike.

    That is, the typed name (or mother's name) is not the prefix of words of
    the client's, so the phonetic tier found them. False when no name was typed.
    """
    exact = Q()
    if words := name_words(name):
        exact &= Q(nome_tsv=_prefix_query(words))
    if words := name_words(mother):
        exact &= Q(nome_mae_tsv=_prefix_query(words))
    if not exact:
        return Value(False)
    return Case(When(exact, then=Value(False)), default=Value(True), output_field=BooleanField())


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
        by_name = (Length(column).asc(), F(column).asc(), F("id_cliente").asc())
        if not name_words(text):
            # No name to rank by (ordering=relevancia without one): a constant
            # would render as "ORDER BY 0", which PostgreSQL refuses.
            return queryset.order_by(*by_name)
        return queryset.order_by(relevance(text).asc(), *by_name)
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
