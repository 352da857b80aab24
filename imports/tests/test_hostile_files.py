"""Hostile and malformed files: a clear pt-BR error, bounded memory, nothing written."""

import io
import resource
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from clientes.models import Cliente
from imports import reader, services
from imports.models import ImportJob, Verdict
from imports.tests.conftest import HEADER, csv_bytes, person, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def refused(user, data, name="clientes.csv") -> str:
    with pytest.raises(ValidationError) as error:
        services.import_request(user=user, upload=upload(data, name), dry_run=False)
    assert not ImportJob.objects.exists()
    assert Cliente.objects.count() == 0
    return " ".join(error.value.messages)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_200_mb_file_is_refused_before_it_is_read(gerente, tmp_path):
    big = TemporaryUploadedFile("enorme.csv", "text/csv", 200 * 1024 * 1024, "utf-8")
    big.file.truncate(200 * 1024 * 1024)  # sparse: 200 MB that cost nothing to make
    before = _peak_rss_mb()
    with pytest.raises(ValidationError, match="passa do limite de 20 MB"):
        services.import_request(user=gerente, upload=big, dry_run=False)
    assert _peak_rss_mb() - before < 50
    assert not ImportJob.objects.exists()


def _zip_bomb() -> bytes:
    """A valid-looking XLSX whose worksheet inflates to 1 GB of zeros."""
    buffer = io.BytesIO()
    sheet = xlsx_bytes([person()])
    with (
        zipfile.ZipFile(io.BytesIO(sheet)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(1024):
                entry.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_disguised_as_xlsx_is_refused_unopened(gerente):
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    before = _peak_rss_mb()
    message = refused(gerente, bomb, "planilha.xlsx")
    assert "zip bomb" in message
    assert _peak_rss_mb() - before < 50


def test_a_csv_with_10000_columns_is_refused(gerente):
    header = [f"Coluna {n}" for n in range(10_000)]
    header[0] = "CPF"
    data = csv_bytes([{"CPF": person()["CPF"]}], header=header)
    assert "10.000 colunas; o máximo é 200" in refused(gerente, data)


def test_an_xlsx_with_10000_columns_is_refused(gerente):
    header = ["CPF", *(f"C{n}" for n in range(9_999))]
    assert "colunas" in refused(gerente, xlsx_bytes([{"CPF": "1"}], header=header), "a.xlsx")


def test_a_1_mb_cell_is_refused(gerente):
    row = person(**{"Nome completo": "A" * (1024 * 1024)})
    message = refused(gerente, csv_bytes([row]))
    assert "linha 2" in message and "célula grande demais" in message


def test_a_1_mb_line_without_quotes_is_refused(gerente):
    data = csv_bytes([person()]) + b"x" * (1024 * 1024 + 10) + b"\r\n"
    assert "A linha 3 do arquivo passa de 200.000 caracteres" in refused(gerente, data)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (csv_bytes([person()]).decode().encode("utf-16"), "a.csv", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "foto.csv", "binário"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "antigo.xls", ".xls"),
        (b"PK\x03\x04 not really a zip", "falso.xlsx", "XLSX válida"),
        (b"", "vazio.csv", "vazio"),
        ((b"CPF;Nome\r\n"), "so-cabecalho.csv", "só o cabeçalho"),
        (b'CPF;Nome\r\n"111;"abc\r\n', "aspas.csv", None),
    ],
)
def test_wrong_encodings_and_formats_are_refused_with_a_clear_message(
    gerente, data, name, expected
):
    if expected is None:  # a stray quote: the csv reader reads it leniently
        job = services.import_request(user=gerente, upload=upload(data, name), dry_run=False)
        assert job.rows.get().verdict == Verdict.INVALID
        return
    assert expected in refused(gerente, data, name)


def test_formulas_in_cells_are_refused_per_row_and_never_stored(gerente):
    rows = [
        person(**{"Nome completo": "=1+1"}),
        person(Logradouro="@SUM(A1)"),
        person(Bairro="-2+3"),
        person(**{"Nome da mãe": "+cmd|' /C calc'!A0"}),
        person(Celular="+55 (11) 98765-4321"),  # a phone's "+" is not a formula
    ]
    job = services.import_request(
        user=gerente, upload=upload(xlsx_bytes(rows), "f.xlsx"), dry_run=False
    )
    result = {row.linha: row for row in job.rows.all()}
    assert [result[n].verdict for n in range(2, 7)] == [Verdict.INVALID] * 4 + [Verdict.CREATE]
    assert all("fórmulas não são aceitas" in result[n].reasons[0] for n in range(2, 6))
    assert Cliente.objects.count() == 1


def test_a_real_formula_cell_in_xlsx_is_refused(gerente):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = person()
    sheet.append([row[title] for title in HEADER])
    sheet["B2"] = '=HYPERLINK("http://exemplo.com","clique")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.import_request(
        user=gerente, upload=upload(buffer.getvalue(), "f.xlsx"), dry_run=False
    )
    assert job.rows.get().verdict == Verdict.INVALID
    assert Cliente.objects.count() == 0


def test_more_than_100000_rows_is_refused_before_anything_is_written(gerente, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    monkeypatch.setattr(services, "SYNC_ROW_LIMIT", 10)
    message = refused(gerente, csv_bytes([person() for _ in range(4)]))
    assert "mais de 3 linhas" in message


def test_a_file_refused_mid_way_in_the_background_writes_nothing(
    gerente, monkeypatch, django_capture_on_commit_callbacks
):
    """The run checks the whole file before the first batch is written."""
    monkeypatch.setattr(services, "SYNC_ROW_LIMIT", 2)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    rows = [person() for _ in range(5)]
    data = csv_bytes(rows) + b'"' + b"x\r\n" * (50 * 1024) + b'"\r\n'  # a huge cell at row 7
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (eager)
        job = services.import_request(user=gerente, upload=upload(data), dry_run=False)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "célula grande demais" in job.error
    assert Cliente.objects.count() == 0


def test_an_upload_without_a_name_or_with_a_path_keeps_only_a_safe_name(gerente):
    data = SimpleUploadedFile("../../etc/passwd.csv", csv_bytes([person()]))
    job = services.import_request(user=gerente, upload=data)
    assert job.file_name == "passwd.csv"
    assert ".." not in job.file.name
