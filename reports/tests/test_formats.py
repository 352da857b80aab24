"""Each format re-read with its own reader: content, accents, formatting, safety."""

import csv
import io
import re
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from clientes.models import Cliente, Endereco, Telefone
from common.br import cpf_check_digits
from reports.columns import COLUMNS
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export

ALL_FIELDS = list(COLUMNS)
INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "+55 11 98888-7777", "@SUM(1+1)", "-2+3"]


@pytest.fixture
def joao(db):
    base = "012345678"  # leading zero: must survive as text
    cliente = Cliente.objects.create(
        cpf=base + cpf_check_digits(base),
        nome_completo="João da Conceição Ávila",
        nome_social=INJECTIONS[0],
        nome_mae=INJECTIONS[1],
        email=INJECTIONS[2],
        motivo_inativacao=INJECTIONS[3],
        data_nascimento=date(1985, 3, 7),
        sexo="M",
    )
    Endereco.objects.create(
        cliente=cliente, cep="01310100", logradouro="Avenida Paulista", numero="1578",
        complemento="ap. 12", bairro="Bela Vista", cidade="São Paulo", uf="SP",
        principal=True,
    )  # fmt: skip
    Telefone.objects.create(cliente=cliente, tipo="celular", numero="11987654321", principal=True)
    return cliente


def _cpf(cliente):
    c = cliente.cpf
    return f"{c[:3]}.{c[3:6]}.{c[6:9]}-{c[9:]}"


# --- XLSX ----------------------------------------------------------------------


def test_xlsx_is_formatted_and_keeps_identifiers_as_text(gerente, joao):
    job = run_export(gerente, {"uf": "SP"}, fmt="xlsx", fields=ALL_FIELDS)
    assert job.status == "done"
    workbook = openpyxl.load_workbook(job.file.path)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [str(COLUMNS[f].label) for f in ALL_FIELDS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb.endswith("DCE6F1")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(ALL_FIELDS))}2"

    row = dict(zip(header, sheet[2], strict=True))
    assert row["Nome completo"].value == "João da Conceição Ávila"
    assert row["CPF"].value == _cpf(joao) and row["CPF"].data_type == "s"
    assert row["CPF"].value.startswith("012.")
    assert row["CEP"].value == "01310-100" and row["CEP"].data_type == "s"
    assert row["Telefone"].value == "(11) 98765-4321"
    assert row["Data de nascimento"].value == datetime(1985, 3, 7)
    assert row["Data de nascimento"].number_format == "dd/mm/yyyy"
    assert row["Cadastrado em"].is_date
    assert row["Idade"].value == joao.idade() and row["Idade"].data_type == "n"
    # Column widths fit the content (the long name is wider than the default).
    name_col = openpyxl.utils.get_column_letter(header.index("Nome completo") + 1)
    assert sheet.column_dimensions[name_col].width >= len("João da Conceição Ávila")

    info = workbook["Informações"]
    info_text = {(r[0].value, r[1].value) for r in info.iter_rows(min_row=1, max_col=2)}
    assert ("Gerado por", gerente.get_full_name()) in info_text
    assert ("UF", "São Paulo") in info_text
    assert ("Registros", 1) in info_text


def test_xlsx_never_contains_formulas(gerente, joao):
    job = run_export(gerente, {}, fmt="xlsx", fields=ALL_FIELDS)
    workbook = openpyxl.load_workbook(job.file.path)
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in INJECTIONS:
        # Shown exactly as typed (a phone stays readable), marked as text.
        assert by_value[text].data_type == "s"
        assert by_value[text].quotePrefix


# --- CSV -----------------------------------------------------------------------


def _csv_rows(job, **kwargs):
    raw = open(job.file.path, "rb").read()  # noqa: SIM115
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), **kwargs))


def test_csv_default_dialect_opens_in_excel_pt_br(gerente, joao):
    job = run_export(gerente, {}, fmt="csv", fields=ALL_FIELDS)
    raw, rows = _csv_rows(job, delimiter=";")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    assert raw.count(b"\r\n") == 2 and raw.count(b"\n") == 2  # CRLF line ends only
    header, row = rows
    values = dict(zip(header, row, strict=True))
    assert values["Nome completo"] == "João da Conceição Ávila"
    assert values["CPF"] == _cpf(joao)
    assert values["Data de nascimento"] == "07/03/1985"
    assert values["CEP"] == "01310-100"
    # Formula-looking text is prefixed so spreadsheets read it as text.
    assert values["Nome social"] == "'" + INJECTIONS[0]
    assert values["Motivo da inativação"] == "'-2+3"


def test_csv_rfc4180_dialect_for_integrations(gerente, joao):
    job = run_export(
        gerente,
        {},
        fmt="csv",
        csv_dialect="rfc4180",
        fields=["cpf", "data_nascimento", "nome_completo"],
    )
    raw, rows = _csv_rows(job)
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode().splitlines()[0] == "CPF,Data de nascimento,Nome completo"
    assert rows[1] == [_cpf(joao), "1985-03-07", "João da Conceição Ávila"]


def test_csv_masks_the_cpf_for_analysts(analista, joao):
    job = run_export(analista, {}, fmt="csv", fields=["nome_completo", "cpf"])
    _raw, rows = _csv_rows(job, delimiter=";")
    assert rows[1] == ["João da Conceição Ávila", f"***.{joao.cpf[3:6]}.{joao.cpf[6:9]}-**"]


def test_fields_are_the_chosen_ones_in_the_chosen_order(analista, joao):
    job = run_export(analista, {}, fmt="csv", fields=["uf", "nome_completo", "telefone"])
    _raw, rows = _csv_rows(job, delimiter=";")
    assert rows == [
        ["UF", "Nome completo", "Telefone"],
        ["SP", "João da Conceição Ávila", "(11) 98765-4321"],
    ]


# --- PDF -----------------------------------------------------------------------


def test_pdf_has_title_filters_table_and_page_numbers(gerente, joao):
    make_clientes(120)
    long_name = "Maria " + "Aparecida dos Santos " * 6 + "Finalíssima"
    Cliente.objects.filter(pk=joao.pk).update(nome_completo=long_name)
    job = run_export(gerente, {"ordering": "id_cliente"}, fmt="pdf", fields=ALL_FIELDS)
    reader = PdfReader(job.file.path)
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert total >= 3
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # A4 landscape
    assert "Clientes" in pages[0]
    assert f"Gerado por {gerente.get_full_name()}" in pages[0]
    assert re.search(r"registros:\s*121\b", pages[0])
    assert "Ordenação: Código" in pages[0]
    assert "Recife" in pages[0] and "Goiânia" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert re.search(r"Nome\s+completo", text)  # the header row repeats on every page
        assert re.search(rf"Página {number} de\s*{total}\b", text)
    # A long name wraps inside its column instead of being cut off.
    assert "Finalíssima" in pages[0]
    assert re.search(r"Cliente\s+Número\s+000119", pages[-1])  # the last row
    assert "(11) 98765-4321" in pages[0]  # fixed-format values never wrap


def test_pdf_handles_characters_outside_latin_1_and_unbreakable_words(analista, joao):
    Cliente.objects.filter(pk=joao.pk).update(
        nome_completo="Łukasz Ωmega Nguyễn",
        email="um.endereco.de.email.muito.comprido.sem.espacos@exemplo-longo.com.br",
    )
    job = run_export(
        analista, {}, fmt="pdf", fields=["nome_completo", "email", "cpf", "cidade"] * 4
    )
    text = PdfReader(job.file.path).pages[0].extract_text()
    assert job.status == "done"
    assert "ukasz" in text and "Nguy" in text
    # The long e-mail is broken across lines inside its column, not dropped.
    assert "exemplo-longo.com.br" in text.replace("\n", "")


def test_xlsx_filters_typed_by_the_user_stay_text(analista, joao):
    job = run_export(analista, {"nome": "=cmd|' /C calc'!A0"}, fmt="xlsx")
    info = openpyxl.load_workbook(job.file.path)["Informações"]
    cell = next(row[1] for row in info.iter_rows() if row[0].value == "Nome")
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" and cell.quotePrefix
