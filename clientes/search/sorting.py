"""In which order a search lists clients, and keyset pagination over that order.

Each public ordering has an index (column, id_cliente); the primary key breaks
ties in the same direction, so pages never repeat or skip a client and keyset
cursors work. A name search ranks by relevance by default, spellings alike last.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import BooleanField, Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Func, RawSQL
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, IsNull, LessThan

from clientes.search.matching import prefix_query, raw_query
from clientes.search.parsing import fold, name_text, name_words

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
        When(nome_tsv=raw_query(" & ".join(words)), then=Value(TIER_WHOLE_WORDS)),
        When(nome_tsv=prefix_query(words), then=Value(TIER_PREFIXES)),
        default=Value(TIER_ALIKE),
    )


def spelled_alike(name: str, mother: str = ""):
    """Return an expression true for a client found only by a spelling alike.

    That is, the typed name (or mother's name) is not the prefix of words of
    the client's, so the phonetic tier found them. False when no name was typed.
    """
    exact = Q()
    if words := name_words(name):
        exact &= Q(nome_tsv=prefix_query(words))
    if words := name_words(mother):
        exact &= Q(nome_mae_tsv=prefix_query(words))
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
