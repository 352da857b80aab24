"""Excel (.xlsx) with XlsxWriter in constant-memory mode (rows flushed as written).

Chosen by measurement (issue #7): XlsxWriter constant_memory writes 10k x 8
cells in 1.1 s against 1.6 s for openpyxl's write-only mode, in flat memory.
"""

import xlsxwriter
from django.utils.translation import gettext as _

from reports.columns import DATE, DATETIME, INTEGER
from reports.writers import PROGRESS_EVERY, looks_like_formula

_MAX_WIDTH = 60
_HEADER_FILL = "#DCE6F1"


def write_xlsx(path, columns, rows, meta, progress) -> int:
    """Write the clients sheet and an "Informações" sheet describing the export."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            # Never turn text into formulas, numbers or links: a CPF stays text.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": _HEADER_FILL, "border": 1})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    datetime_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    # quotePrefix: the cell stays text even when someone edits it in Excel.
    quoted = workbook.add_format({"quote_prefix": True})
    sheet = workbook.add_worksheet(str(meta.title)[:31])

    widths = [max(len(str(c.label)), 6) for c in columns]
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(column.label), header)

    write_string = sheet.write_string
    write_number = sheet.write_number
    write_datetime = sheet.write_datetime
    kinds = [c.kind for c in columns]
    row_index = 0
    for row in rows:
        row_index += 1
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[col]
            if kind == DATE:
                write_datetime(row_index, col, value, date_format)
                length = 10
            elif kind == DATETIME:
                write_datetime(row_index, col, value, datetime_format)
                length = 16
            elif kind == INTEGER:
                write_number(row_index, col, value)
                length = len(str(value))
            else:
                write_string(row_index, col, value, quoted if looks_like_formula(value) else None)
                length = len(value)
            if length > widths[col]:
                widths[col] = length
        if row_index % PROGRESS_EVERY == 0:
            progress(row_index)

    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, _MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row_index, 1), len(columns) - 1)

    _write_info_sheet(workbook, meta, row_index, header, quoted)
    workbook.close()
    progress(row_index)
    return row_index


def _write_info_sheet(workbook, meta, row_count, header, quoted) -> None:
    info = workbook.add_worksheet(_("Informações"))
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 60)
    datetime_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "align": "left"})
    info.write_string(0, 0, _("Exportação"), header)
    info.write_string(0, 1, str(meta.title), header)
    info.write_string(1, 0, _("Gerado por"))
    info.write_string(1, 1, meta.generated_by)
    info.write_string(2, 0, _("Gerado em"))
    info.write_datetime(2, 1, meta.generated_at, datetime_format)
    info.write_string(3, 0, _("Registros"))
    info.write_number(3, 1, row_count)
    info.write_string(4, 0, _("Filtros"), header)
    info.write_string(4, 1, "", header)
    filters = meta.filters or [("—", _("Nenhum (todos os clientes)"))]
    for offset, (label, value) in enumerate(filters, start=5):
        value = str(value)  # typed by the user: may look like a formula
        info.write_string(offset, 0, str(label))
        info.write_string(offset, 1, value, quoted if looks_like_formula(value) else None)
