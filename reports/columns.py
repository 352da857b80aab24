"""The columns a client export can have, and how each value is read and shown.

Rows are read with ``values_list`` (tuples, never model instances) and each
column turns its raw database value into the cell value: text already
formatted for people (CPF, phone, CEP), real dates for dates, numbers for
numbers. Writers decide how each ``kind`` looks in their format.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.br import format_cep, format_phone
from clientes.choices import Sexo
from clientes.models import Telefone
from reports.policy import cpf_for_export

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
INTEGER = "integer"

_SEXO = dict(Sexo.choices)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str
    sources: tuple[str, ...]
    # Relative width in the PDF table (and a floor for the XLSX column).
    weight: float = 1.0
    # Builds the cell value from the raw values of ``sources``; None = identity.
    convert: Callable | None = None
    # The widest value of a fixed-format column: the PDF never wraps it.
    sample: str = ""


def _text(value) -> str:
    return value or ""


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _address(logradouro, numero, complemento) -> str:
    if not logradouro:
        return ""
    parts = [logradouro]
    if numero:
        parts.append(f", {numero}")
    if complemento:
        parts.append(f" - {complemento}")
    return "".join(parts)


def _local_datetime(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _status(ativo: bool) -> str:
    return str(_("Ativo")) if ativo else str(_("Inativo"))


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        Column("id_cliente", _("Código"), INTEGER, ("id_cliente",), 0.7, sample="00000000"),
        Column("cpf", _("CPF"), TEXT, ("cpf",), 1.3, sample="000.000.000-00"),
        Column("nome_completo", _("Nome completo"), TEXT, ("nome_completo",), 2.6, _text),
        Column("nome_social", _("Nome social"), TEXT, ("nome_social",), 1.8, _text),
        Column(
            "data_nascimento",
            _("Data de nascimento"),
            DATE,
            ("data_nascimento",),
            1.1,
            sample="00/00/0000",
        ),
        Column("idade", _("Idade"), INTEGER, ("data_nascimento",), 0.6, sample="Idade"),
        Column(
            "sexo",
            _("Sexo"),
            TEXT,
            ("sexo",),
            0.9,
            lambda v: str(_SEXO.get(v, "")),
            sample="Masculino",
        ),
        Column("nome_mae", _("Nome da mãe"), TEXT, ("nome_mae",), 2.3, _text),
        Column("email", _("E-mail"), TEXT, ("email",), 2.4, _text),
        Column(
            "telefone",
            _("Telefone"),
            TEXT,
            ("telefone_principal",),
            1.4,
            format_phone,
            sample="(00) 00000-0000",
        ),
        Column(
            "endereco",
            _("Endereço"),
            TEXT,
            (
                "endereco_principal__logradouro",
                "endereco_principal__numero",
                "endereco_principal__complemento",
            ),
            2.8,
            _address,
        ),
        Column("bairro", _("Bairro"), TEXT, ("endereco_principal__bairro",), 1.5, _text),
        Column("cidade", _("Cidade"), TEXT, ("endereco_principal__cidade",), 1.5, _text),
        Column("uf", _("UF"), TEXT, ("endereco_principal__uf",), 0.5, _text, sample="UF"),
        Column("cep", _("CEP"), TEXT, ("endereco_principal__cep",), 1.0, format_cep, "00000-000"),
        Column("status", _("Situação"), TEXT, ("ativo",), 0.9, _status, sample="Inativo"),
        Column("motivo_inativacao", _("Motivo da inativação"), TEXT, ("motivo_inativacao",), 1.8),
        Column(
            "created_at",
            _("Cadastrado em"),
            DATETIME,
            ("created_at",),
            1.4,
            _local_datetime,
            sample="00/00/0000 00:00",
        ),
    ]
}

DEFAULT_FIELDS = [
    "cpf",
    "nome_completo",
    "data_nascimento",
    "idade",
    "email",
    "telefone",
    "cidade",
    "uf",
    "status",
]


def field_choices() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in COLUMNS.values()]


@dataclass
class RowPlan:
    """How to read the rows of one export: the query and the per-column converters."""

    columns: list[Column]
    queryset: QuerySet
    converters: list[Callable[[tuple], object]]

    def rows(self, chunk_size: int = 2000):
        """Yield the cell values of each row, streamed from a server-side cursor."""
        converters = self.converters
        for raw in self.queryset.iterator(chunk_size=chunk_size):
            yield [convert(raw) for convert in converters]


def _converter(column: Column, offset: int, user, today: date) -> Callable[[tuple], object]:
    """Return a function reading this column's cell from a raw row tuple."""
    if column.key == "cpf":
        formatter = cpf_for_export(user)
        return lambda raw: formatter(raw[offset])
    if column.key == "idade":
        return lambda raw: _age(raw[offset], today)
    width = len(column.sources)
    convert = column.convert
    if convert is None:
        return lambda raw: raw[offset]
    if width == 1:
        return lambda raw: convert(raw[offset])
    return lambda raw: convert(*raw[offset : offset + width])


def row_plan(*, queryset: QuerySet, fields: Sequence[str], user) -> RowPlan:
    """Return the streaming plan for ``fields`` over a client search ``queryset``."""
    columns = [COLUMNS[key] for key in fields]
    sources: list[str] = []
    offsets: list[int] = []
    for column in columns:
        offsets.append(len(sources))
        sources.extend(column.sources)
    if any(s.startswith("endereco_principal__") for s in sources):
        # At most one principal address per client (a unique constraint): the
        # join can never duplicate a client, so export ids == search ids.
        queryset = queryset.annotate(
            endereco_principal=FilteredRelation("enderecos", condition=Q(enderecos__principal=True))
        )
    if "telefone_principal" in sources:
        phones = Telefone.objects.filter(cliente=OuterRef("pk")).order_by("-principal", "id")
        queryset = queryset.annotate(telefone_principal=Subquery(phones.values("numero")[:1]))
    today = timezone.localdate()
    converters = [
        _converter(column, offset, user, today)
        for column, offset in zip(columns, offsets, strict=True)
    ]
    return RowPlan(columns, queryset.values_list(*sources), converters)
