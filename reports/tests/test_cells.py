"""Cells computed by PostgreSQL equal the Python formatters; the COPY CSV equals Python's csv.

PostgreSQL formats export cells (reports.cells) and writes the CSV (COPY), for
speed; the screens keep formatting in Python (common.br). These tests hold
both to the same output on awkward clients: no address, no phone, no birth
date, leap-day birthdays, separators, quotes and line breaks in names,
formula-looking text.
"""

import csv
import dataclasses
import io
from datetime import date

import pytest
from django.utils import timezone

from clientes.choices import Sexo
from clientes.masking import CpfUse, cpf_for
from clientes.models import Cliente, Endereco, Telefone
from clientes.selectors import cliente_search
from common.br import cpf_check_digits, format_cep, format_phone
from reports.columns import COLUMNS, DATE, DATETIME, INTEGER, row_plan
from reports.tests.helpers import run_export
from reports.writers import FORMULA_PREFIXES

ALL_FIELDS = list(COLUMNS)


def _cpf(n: int) -> str:
    base = f"{n + 300_000_000:09d}"
    return base + cpf_check_digits(base)


def _cliente(n: int, **fields) -> Cliente:
    defaults = {
        "cpf": _cpf(n),
        "nome_completo": f"Cliente {n}",
        "data_nascimento": date(1985, 3, 7),
        "sexo": "F",
    }
    return Cliente.objects.create(**{**defaults, **fields})


@pytest.fixture
def awkward(db):
    """Clients whose cells exercise every branch of the formatting."""
    full = _cliente(1, nome_completo="João da Conceição Ávila", nome_social="=1+1", sexo="M")
    Endereco.objects.create(
        cliente=full, cep="01310100", logradouro="Avenida Paulista", numero="1578",
        complemento="ap. 12", bairro="Bela Vista", cidade="São Paulo", uf="SP", principal=True,
    )  # fmt: skip
    Telefone.objects.create(cliente=full, tipo="fixo", numero="1133334444", principal=False)
    Telefone.objects.create(cliente=full, tipo="celular", numero="11987654321", principal=True)

    bare = _cliente(2, data_nascimento=None, sexo="", ativo=False, motivo_inativacao="-2+3")
    # A second address only (no principal one): the address columns stay empty.
    Endereco.objects.create(
        cliente=bare, cep="50000000", logradouro="Rua Secundária", numero="", complemento="",
        bairro="Boa Vista", cidade="Recife", uf="PE", principal=False,
    )  # fmt: skip

    leap = _cliente(3, data_nascimento=date(2000, 2, 29), sexo="O", email="@SUM(1)")
    Endereco.objects.create(
        cliente=leap, cep="74000000", logradouro="Rua 10", numero="", complemento="fundos",
        bairro="Centro", cidade="Goiânia", uf="GO", principal=True,
    )  # fmt: skip
    Telefone.objects.create(cliente=leap, tipo="fixo", numero="6233334444", principal=False)
    Telefone.objects.create(cliente=leap, tipo="fixo", numero="6244445555", principal=False)

    # Saved past the forms' validation: what the CSV must still quote right.
    odd = _cliente(4)
    Cliente.objects.filter(pk=odd.pk).update(
        nome_completo='Ana "Nina"; Souza, filha',
        nome_social="linha 1\nlinha 2",
        nome_mae="\tTab; e\r\nCRLF",
        email="+55 11 98888-7777",
        motivo_inativacao="",
    )
    Endereco.objects.create(
        cliente=odd, cep="01001000", logradouro='Rua "A"; B', numero="s/n", complemento="",
        bairro="", cidade="São Paulo", uf="SP", principal=True,
    )  # fmt: skip
    return [full, bare, leap, odd]


def _address(endereco) -> str:
    if endereco is None or not endereco.logradouro:
        return ""
    line = endereco.logradouro
    if endereco.numero:
        line += f", {endereco.numero}"
    if endereco.complemento:
        line += f" - {endereco.complemento}"
    return line


def _expected(cliente: Cliente, user, today: date) -> dict:
    """The cells as the Python formatters of the screens make them."""
    cliente.refresh_from_db()
    address = cliente.enderecos.filter(principal=True).first()
    phone = cliente.telefones.order_by("-principal", "id").first()
    return {
        "id_cliente": cliente.id_cliente,
        "cpf": cpf_for(user, cliente.cpf, CpfUse.EXPORT),
        "nome_completo": cliente.nome_completo,
        "nome_social": cliente.nome_social,
        "data_nascimento": cliente.data_nascimento,
        "idade": cliente.idade(today),
        "sexo": str(dict(Sexo.choices).get(cliente.sexo, "")),
        "nome_mae": cliente.nome_mae,
        "email": cliente.email,
        "telefone": format_phone(phone.numero) if phone else "",
        "endereco": _address(address),
        "bairro": address.bairro if address else "",
        "cidade": address.cidade if address else "",
        "uf": address.uf if address else "",
        "cep": format_cep(address.cep) if address else "",
        "status": "Ativo" if cliente.ativo else "Inativo",
        "motivo_inativacao": cliente.motivo_inativacao,
        "created_at": timezone.localtime(cliente.created_at).replace(tzinfo=None),
    }


def _sql_cells(user, today: date) -> dict[int, dict]:
    queryset = cliente_search(user=user, params={"ordering": "id_cliente"})
    plan = row_plan(queryset=queryset, fields=ALL_FIELDS, user=user)
    plan = dataclasses.replace(plan, context=dataclasses.replace(plan.context, today=today))
    rows = {}
    for row in plan.rows():
        # Writers treat a NULL and an empty text alike (an empty cell).
        cells = {key: "" if value is None and COLUMNS[key].kind not in (DATE, INTEGER) else value
                 for key, value in zip(ALL_FIELDS, row, strict=True)}  # fmt: skip
        rows[cells["id_cliente"]] = cells
    plan.close()
    return rows


@pytest.mark.parametrize("role", ["gerente", "analista"])  # full and masked CPFs
@pytest.mark.parametrize(
    "today",
    [date(2026, 3, 6), date(2026, 3, 7), date(2027, 2, 28), date(2027, 3, 1), date(2028, 2, 29)],
)
def test_sql_cells_equal_the_python_formatters(request, awkward, role, today):
    user = request.getfixturevalue(role)
    cells = _sql_cells(user, today)
    assert {c.id_cliente: _expected(c, user, today) for c in awkward} == cells


def _python_csv(columns, rows, excel: bool) -> bytes:
    """Return the CSV Python's csv module writes (the export's rules before COPY)."""

    def text(value, kind):
        if value is None or value == "":
            return ""
        if kind == DATE:
            return value.strftime("%d/%m/%Y" if excel else "%Y-%m-%d")
        if kind == DATETIME:
            return value.strftime("%d/%m/%Y %H:%M") if excel else value.isoformat("T", "minutes")
        if kind == INTEGER:
            return value
        return "'" + value if value[0] in FORMULA_PREFIXES else value

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([str(c.label) for c in columns])
    for row in rows:
        writer.writerow([text(v, c.kind) for v, c in zip(row, columns, strict=True)])
    return out.getvalue().encode("utf-8-sig" if excel else "utf-8")


@pytest.mark.parametrize("dialect", ["excel", "rfc4180"])
@pytest.mark.parametrize(
    "fields", [ALL_FIELDS, ["nome_social"], ["data_nascimento"], ["telefone"], ["idade", "email"]]
)
def test_copy_csv_is_byte_for_byte_what_python_csv_writes(gerente, awkward, dialect, fields):
    params = {"ordering": "id_cliente"}
    job = run_export(gerente, params, fmt="csv", fields=fields, csv_dialect=dialect)
    plan = row_plan(
        queryset=cliente_search(user=gerente, params=params), fields=fields, user=gerente
    )
    expected = _python_csv(plan.columns, list(plan.rows()), excel=dialect == "excel")
    plan.close()
    assert open(job.file.path, "rb").read() == expected  # noqa: SIM115
    assert job.row_count == len(awkward)
