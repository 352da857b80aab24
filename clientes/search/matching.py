"""Which clients a search finds: one ``by_*`` filter per criterion, and the box.

Every typed word of a name must be the prefix of some word of the name, or a
word spelled alike (same phonetic key, migration 0010), in any order, through
a GIN index on generated tsvector columns (``nome_tsv``, ``nome_mae_tsv``,
migration 0003). The name tsvectors also hold names with apostrophes and
hyphens read both ways ("D'Ávila" as "davila" and "d avila").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import BooleanField, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.lookups import StartsWith
from django.utils import timezone

from clientes.ages import years_ago
from clientes.models import Endereco
from clientes.search.parsing import EMAIL, IDENTIFIER, BoxQuery, fold, is_masked_cpf, name_words
from common import replicas
from common.br import only_digits

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


def raw_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config="simple")


def _name_query(words: list[str]) -> SearchQuery:
    """Return the tsquery of a typed name: every word as typed or spelled alike."""
    return raw_query(" & ".join(t.alike for t in _word_terms(words)))


def prefix_query(words: list[str]) -> SearchQuery:
    """Return the tsquery "every word is the prefix of a word", for one row at a time.

    Not for finding rows (see ``_word_terms``): tested against a row's own
    tsvector, a prefix costs no more than a word.
    """
    return raw_query(" & ".join(f"{word}:*" for word in words))


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


def by_query(queryset: QuerySet, box: BoxQuery, *, cpf_prefix: bool = True) -> QuerySet:
    """The one search box, as ``parsing.parse_box`` read it: a CPF, a phone, an e-mail or a name.

    Without ``cpf_prefix`` digits match a CPF only whole (see ``by_identifier``).
    A name may come with a birth date and, after "mãe", the mother's name
    ("maria silva 12/04/1985 mae conceicao").
    """
    if box.kind == EMAIL:
        return by_email(queryset, box.text)
    if box.kind == IDENTIFIER:
        return by_identifier(queryset, box.text, cpf_prefix=cpf_prefix)
    if name_words(box.name) or not (box.data_nascimento or box.nome_mae):
        queryset = by_name(queryset, box.name)
    if box.data_nascimento:
        queryset = by_birth_date(queryset, box.data_nascimento)
    if box.nome_mae:
        queryset = by_mother_name(queryset, box.nome_mae)
    return queryset


def by_address(
    queryset: QuerySet, cidade: str = "", uf: str = "", *, principal_only: bool = False
) -> QuerySet:
    """Clients with an address in the city and/or state (one address matching both).

    ``principal_only``: the principal address must match (as the UF category counts).

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
    if principal_only:
        sql = " AND ".join(principal)
        return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
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


def by_min_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at least ``years`` old today."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__lte=years_ago(years, today))


def by_max_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at most ``years`` old today (born after the day they'd turn years+1)."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__gt=years_ago(years + 1, today))


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def by_created_from(queryset: QuerySet, day: date) -> QuerySet:
    """Clients registered on or after ``day`` (local time)."""
    return queryset.filter(created_at__gte=_start_of_day(day))


def by_created_until(queryset: QuerySet, day: date) -> QuerySet:
    """Clients registered on or before ``day`` (local time, the whole day)."""
    return queryset.filter(created_at__lt=_start_of_day(day + timedelta(days=1)))
