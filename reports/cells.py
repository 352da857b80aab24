"""Export cells computed by PostgreSQL: each column is one SQL expression.

An export reads up to 50,000 rows; turning raw values into cells in Python
(CPF and phone masks, labels, ages, addresses) cost ~30 µs a row, more than
reading them. PostgreSQL computes the same cells in the query instead, so the
rows reach the writers ready (and the CSV never passes through Python rows at
all: see ``reports.writers.csv``). The Python formatters in ``common.br``
stay the reference for every other screen; ``reports/tests/test_cells.py``
holds both to the same output.

Stored identifiers are digits only (CHECK constraints on ``clientes``,
``clientes_telefones`` and ``clientes_enderecos``), so the masks need no
fallback for malformed values.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, DateTimeField, Expression, F, IntegerField, Value

Wrap = Callable[[Expression], Expression]

_PLACEHOLDER = re.compile(r"\{(\d+)\}")


class SqlTemplate(Expression):
    """A PostgreSQL expression written as a template over numbered arguments.

    ``SqlTemplate("left({0}, 5) || '-' || right({0}, 3)", "cep")``: arguments
    are field names (resolved like ``F()``, joins included) or expressions;
    an argument may appear several times. Keep repeated arguments cheap
    (columns, not subqueries): each appearance is evaluated.
    """

    def __init__(self, template: str, *arguments, output_field=None):
        super().__init__(output_field=output_field or CharField())
        self.template = template
        self.arguments = [a if hasattr(a, "resolve_expression") else F(a) for a in arguments]

    def get_source_expressions(self):
        return self.arguments

    def set_source_expressions(self, exprs):
        self.arguments = list(exprs)

    def as_sql(self, compiler, connection):
        compiled = [compiler.compile(argument) for argument in self.arguments]
        params: list = []

        def substitute(match):
            sql, argument_params = compiled[int(match.group(1))]
            params.extend(argument_params)
            return f"({sql})"

        return _PLACEHOLDER.sub(substitute, self.template), params


def text(value: str) -> Value:
    """Return ``value`` as a text parameter of the query."""
    return Value(value, output_field=CharField())


@dataclass(frozen=True)
class CellContext:
    """What a cell may depend on besides the row: the reader and the day."""

    full_cpf: bool  # the user may see full CPFs in exports (clientes.masking)
    today: date
    time_zone: str  # the active time zone: dates and times are shown in it


def formatted_cpf(field: str) -> Expression:
    """Return 000.000.000-00 (``common.br.format_cpf``)."""
    return SqlTemplate(
        "substr({0}, 1, 3) || '.' || substr({0}, 4, 3) || '.' || substr({0}, 7, 3) "
        "|| '-' || substr({0}, 10, 2)",
        field,
    )


def masked_cpf(field: str) -> Expression:
    """Return ***.456.789-** (``common.br.mask_cpf``)."""
    return SqlTemplate("'***.' || substr({0}, 4, 3) || '.' || substr({0}, 7, 3) || '-**'", field)


def formatted_phone(field: str) -> Expression:
    """Return (11) 99999-9999 or (11) 3333-4444 (``common.br.format_phone``)."""
    return SqlTemplate(
        "'(' || left({0}, 2) || ') ' || substr({0}, 3, length({0}) - 6) || '-' || right({0}, 4)",
        field,
    )


def formatted_cep(field: str) -> Expression:
    """Return 00000-000 (``common.br.format_cep``)."""
    return SqlTemplate("left({0}, 5) || '-' || right({0}, 3)", field)


def address_line(logradouro: str, numero: str, complemento: str) -> Expression:
    """Return "Rua X, 12 - ap. 3", or '' without a street."""
    return SqlTemplate(
        "CASE WHEN {0} <> '' THEN {0} || CASE WHEN {1} <> '' THEN ', ' || {1} ELSE '' END "
        "|| CASE WHEN {2} <> '' THEN ' - ' || {2} ELSE '' END ELSE '' END",
        logradouro,
        numero,
        complemento,
    )


def age(field: str, today: date) -> Expression:
    """Return the age in whole years at ``today`` (``Cliente.idade``), NULL without a date."""
    return SqlTemplate(
        "{1} - extract(year FROM {0})::int - (to_char({0}, 'MMDD') > {2})::int",
        field,
        Value(today.year),
        text(f"{today:%m%d}"),
        output_field=IntegerField(),
    )


def label(field: str, labels: dict[str, str]) -> Expression:
    """Return the label of a stored choice ('' for values without one)."""
    whens = " ".join(f"WHEN {{{2 * i + 1}}} THEN {{{2 * i + 2}}}" for i in range(len(labels)))
    arguments = [a for value, shown in labels.items() for a in (text(value), text(shown))]
    return SqlTemplate(f"CASE {{0}} {whens} ELSE '' END", field, *arguments)


def yes_no(field: str, yes: str, no: str) -> Expression:
    """Return ``yes`` or ``no`` for a boolean field."""
    return SqlTemplate("CASE WHEN {0} THEN {1} ELSE {2} END", field, text(yes), text(no))


def local_datetime(field: str, time_zone: str) -> Expression:
    """Return the local wall-clock time (a naive timestamp) of an aware one."""
    return SqlTemplate("{0} AT TIME ZONE {1}", field, text(time_zone), output_field=DateTimeField())
