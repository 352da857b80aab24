"""Read an uploaded spreadsheet (CSV or XLSX) as a header and rows of text cells.

Every bound is checked before the content is trusted, so a hostile file is
refused with a pt-BR message (``FileRefused``) instead of filling memory:
the file's size, a zip bomb disguised as XLSX (declared uncompressed sizes,
which Python's zipfile enforces while inflating), the number of columns and
of rows, the length of a line and of a cell, and encodings that are not text.
Rows are streamed one at a time; nothing holds the whole file.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000  # far above any field (255); a longer cell is refused
MAX_LINE_CHARS = 200_000  # one CSV line (a record may span several)
# XLSX: the worksheet and shared strings inflate to at most this much.
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_XLSX_ENTRIES = 500
_SAMPLE_BYTES = 64 * 1024

KIND_CSV = "csv"
KIND_XLSX = "xlsx"


class FileRefused(Exception):
    """The file cannot be imported at all; ``message`` says why (pt-BR)."""

    def __init__(self, message: str, code: str = "arquivo_invalido"):
        super().__init__(message)
        self.message = message
        self.code = code


def max_file_bytes() -> int:
    return settings.IMPORTS_MAX_FILE_MB * 1024 * 1024


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


@dataclass
class Sheet:
    """A file's header (column titles) and its data rows as (row number, cells)."""

    kind: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    delimiter: str = ""


def detect_kind(path: Path) -> str:
    """Return ``csv`` or ``xlsx`` from the file's first bytes (never its name)."""
    size = path.stat().st_size
    if size > max_file_bytes():
        raise FileRefused(too_big_message(), code="arquivo_grande")
    if size == 0:
        raise FileRefused(_("O arquivo está vazio."), code="arquivo_vazio")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return KIND_XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("Planilhas .xls (Excel 97-2003) não são aceitas: salve como .xlsx ou CSV."),
            code="formato_nao_suportado",
        )
    return KIND_CSV


def too_big_message() -> str:
    return _("O arquivo passa do limite de %(mb)s MB.") % {"mb": settings.IMPORTS_MAX_FILE_MB}


@contextmanager
def open_sheet(path: Path):
    """Yield the ``Sheet`` of the file at ``path``, or raise ``FileRefused``."""
    kind = detect_kind(path)
    if kind == KIND_XLSX:
        with _xlsx_sheet(path) as sheet:
            yield sheet
    else:
        with _csv_sheet(path) as sheet:
            yield sheet


def count_rows(path: Path, *, stop_after: int | None = None) -> int:
    """Read the whole file (every bound checked) and return its number of data rows.

    With ``stop_after``, stop once more rows than that were seen.
    """
    with open_sheet(path) as sheet:
        total = 0
        for _row in sheet.rows:
            total += 1
            if stop_after is not None and total > stop_after:
                break
        return total


def _limited(rows: Iterator[tuple[int, list[str]]], width: int):
    """Yield non-blank rows padded to the header's width, enforcing the row bound."""
    seen = 0
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        end = len(cells)
        while not cells[end - 1].strip():
            end -= 1  # trailing blank cells (a non-blank one exists)
        if end > MAX_COLUMNS:
            raise FileRefused(
                _("A linha %(linha)s tem mais de %(max)s colunas.")
                % {"linha": number, "max": MAX_COLUMNS},
                code="colunas_demais",
            )
        seen += 1
        if seen > MAX_ROWS:
            raise FileRefused(
                _("O arquivo tem mais de %(max)s linhas: divida-o em partes menores.")
                % {"max": _count(MAX_ROWS)},
                code="linhas_demais",
            )
        for cell in cells:
            if len(cell) > MAX_CELL_CHARS:
                raise FileRefused(
                    _("A linha %(linha)s tem uma célula com mais de %(max)s caracteres.")
                    % {"linha": number, "max": _count(MAX_CELL_CHARS)},
                    code="celula_grande",
                )
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield number, cells


def _check_header(header: list[str]) -> list[str]:
    while header and not header[-1].strip():
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise FileRefused(
            _("O arquivo tem %(n)s colunas; o máximo é %(max)s.")
            % {"n": _count(len(header)), "max": MAX_COLUMNS},
            code="colunas_demais",
        )
    if not any(cell.strip() for cell in header):
        raise FileRefused(
            _("A primeira linha deve ter os títulos das colunas (CPF, Nome, ...)."),
            code="sem_cabecalho",
        )
    for cell in header:
        if len(cell) > 200:
            raise FileRefused(_("Um título de coluna é longo demais."), code="cabecalho_invalido")
    return [cell.strip() for cell in header]


# --- CSV -----------------------------------------------------------------------


def _detect_encoding(path: Path) -> str:
    """Return the file's text encoding: UTF-8 (with or without BOM) or Windows-1252/Latin-1."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            raise FileRefused(
                _(
                    "O arquivo não é um CSV de texto em UTF-8 ou Windows-1252 (parece UTF-16 "
                    "ou binário). No Excel, use “Salvar como” → “CSV UTF-8”."
                ),
                code="codificacao_invalida",
            )
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        # Not UTF-8: Windows-1252 (Excel's "CSV" in Brazil) unless it uses the
        # five bytes it leaves undefined, then Latin-1 (which decodes anything).
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def _bounded_lines(handle) -> Iterator[str]:
    number = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileRefused(
                _(
                    "A linha %(linha)s do arquivo passa de %(max)s caracteres (uma célula "
                    "grande demais?)."
                )
                % {"linha": number, "max": _count(MAX_LINE_CHARS)},
                code="linha_grande",
            )
        if "\x00" in line:
            raise FileRefused(_("O arquivo contém bytes nulos: não é um CSV de texto."))
        yield line


def _delimiter(first_line: str) -> str:
    # The header has no quoted separators in practice; count both candidates.
    return ";" if first_line.count(";") >= first_line.count(",") else ","


@contextmanager
def _csv_sheet(path: Path):
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        lines = _bounded_lines(handle)
        first = next(lines, "")
        delimiter = _delimiter(first)

        def records():
            yield first
            yield from lines

        reader = csv.reader(records(), delimiter=delimiter, strict=False)
        try:
            header = _check_header(next(reader, []))
        except csv.Error as exc:
            raise _csv_refused(exc, 1) from exc

        def rows():
            number = 1
            try:
                for cells in reader:
                    number += 1
                    yield number, cells
            except csv.Error as exc:
                raise _csv_refused(exc, number + 1) from exc

        yield Sheet(
            kind=KIND_CSV,
            header=header,
            rows=_limited(rows(), len(header)),
            encoding=encoding,
            delimiter=delimiter,
        )


def _csv_refused(exc: csv.Error, number: int) -> FileRefused:
    if "field larger than field limit" in str(exc):
        return FileRefused(
            _("A linha %(linha)s tem uma célula grande demais.") % {"linha": number},
            code="celula_grande",
        )
    return FileRefused(
        _("O CSV está malformado perto da linha %(linha)s.") % {"linha": number},
        code="csv_malformado",
    )


# --- XLSX ----------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(
            _("O arquivo não é uma planilha XLSX válida."), code="xlsx_invalido"
        ) from exc
    inflated = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_XLSX_ENTRIES or inflated > MAX_XLSX_UNCOMPRESSED:
        raise FileRefused(
            _(
                "A planilha descompactada passaria de %(mb)s MB: não é uma planilha comum "
                "(possível “zip bomb”). Envie um CSV ou divida o arquivo."
            )
            % {"mb": MAX_XLSX_UNCOMPRESSED // (1024 * 1024)},
            code="xlsx_grande",
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # CPFs and CEPs typed as numbers
    return str(value)


@contextmanager
def _xlsx_sheet(path: Path):
    _check_zip(path)
    handle = path.open("rb")  # a file object: openpyxl would judge a path by its extension
    try:
        # read_only streams the sheet; data_only=False shows formulas as
        # "=..." text, which row validation refuses.
        workbook = load_workbook(handle, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        handle.close()
        raise FileRefused(
            _("O arquivo não é uma planilha XLSX válida."), code="xlsx_invalido"
        ) from exc
    try:
        worksheet = workbook.worksheets[0] if workbook.worksheets else None
        if worksheet is None:
            raise FileRefused(_("A planilha não tem abas."), code="xlsx_invalido")
        # One column past the bound reveals a too-wide file without reading
        # thousands of cells per row.
        values = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)

        def numbered():
            try:
                for number, row in enumerate(values, start=1):
                    yield number, [_cell_text(value) for value in row]
            except FileRefused:
                raise
            except Exception as exc:
                raise FileRefused(
                    _("A planilha está corrompida e não pôde ser lida."), code="xlsx_invalido"
                ) from exc

        rows = numbered()
        _number, first = next(rows, (1, []))
        header = _check_header(first)

        yield Sheet(kind=KIND_XLSX, header=header, rows=_limited(rows, len(header)))
    finally:
        workbook.close()
        handle.close()
