"""CSV: Excel pt-BR by default (UTF-8 BOM, ';', CRLF), or RFC 4180 for integrations.

PostgreSQL writes the records (``COPY (query) TO STDOUT WITH (FORMAT csv)``)
from the same cells as the other formats plus the CSV's text forms below, and
they go to the file as they arrive: no Python object per row or cell
(issue #7: 50,000 rows in Python's csv module cost ~2 s of conversion and
writing, COPY ~0.1 s more than the query). The output is what Python's
``csv`` module writes with the same dialect: fields quoted only when they
hold the delimiter, a quote or a line break, quotes doubled, empty fields
bare (quoted, as ``""``, when a row has only that one field).
"""

import csv
import io

from django.contrib.postgres.fields import ArrayField
from django.db.models import TextField, Value

from reports.cells import SqlTemplate
from reports.columns import DATE, DATETIME, TEXT, RowPlan
from reports.writers import FORMULA_PREFIXES, PROGRESS_EVERY

# A leading apostrophe makes Excel/LibreOffice read the cell as text.
_FORMULA_SAFE = "CASE WHEN left({0}, 1) = ANY({1}) THEN '''' || {0} ELSE {0} END"
_PREFIXES = Value(list(FORMULA_PREFIXES), output_field=ArrayField(TextField()))
_DATE = {True: "DD/MM/YYYY", False: "YYYY-MM-DD"}
_DATETIME = {True: "DD/MM/YYYY HH24:MI", False: 'YYYY-MM-DD"T"HH24:MI'}


def _text_form(kind: str, excel: bool):
    """Return how a cell of ``kind`` becomes CSV text: dd/mm/aaaa for Excel, ISO 8601 else."""
    if kind == DATE:
        return lambda value: SqlTemplate(f"to_char({{0}}, '{_DATE[excel]}')", value)
    if kind == DATETIME:
        return lambda value: SqlTemplate(f"to_char({{0}}, '{_DATETIME[excel]}')", value)
    if kind == TEXT:
        return lambda value: SqlTemplate(_FORMULA_SAFE, value, _PREFIXES)
    return lambda value: value  # numbers


def _empty_form(single: bool):
    """Return how an empty cell is written: bare (a NULL), or "" when alone in its row.

    COPY writes NULL bare and '' quoted; Python's csv module quotes an empty
    field only when it is the row's only one (so the row is not a blank line).
    """
    if single:
        return lambda column, value: SqlTemplate("coalesce(({0})::text, '')", value)
    return lambda column, value: (
        SqlTemplate("nullif({0}, '')", value) if column.kind == TEXT else value
    )


def write_csv(path, plan: RowPlan, meta, progress, *, dialect: str = "excel") -> int:
    """Write the plan's rows as CSV; dates dd/mm/aaaa for Excel, ISO 8601 for integrations."""
    excel = dialect == "excel"
    delimiter = ";" if excel else ","
    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\r\n").writerow(
        [str(c.label) for c in plan.columns]
    )
    query = plan.cells_query(
        wrap_for=lambda column: _text_form(column.kind, excel),
        finish=_empty_form(len(plan.columns) == 1),
    )
    written = 0
    with open(path, "wb") as fh:
        fh.write(header.getvalue().encode("utf-8-sig" if excel else "utf-8"))
        write = fh.write
        for record in plan.copy_csv(query, f"DELIMITER '{delimiter}'"):
            # Each record ends with COPY's "\n": the dialect ends lines with CRLF.
            write(record[:-1])
            write(b"\r\n")
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(written)
    progress(written)
    return written
