"""CSV: Excel pt-BR by default (UTF-8 BOM, ';', CRLF), or RFC 4180 for integrations."""

import csv

from reports.columns import DATE, DATETIME, INTEGER
from reports.writers import FORMULA_PREFIXES, PROGRESS_EVERY


def _text(value):
    if not value:
        return ""
    # A leading apostrophe makes Excel/LibreOffice read the cell as text.
    return "'" + value if value[0] in FORMULA_PREFIXES else value


def _formatter(kind: str, excel: bool):
    """Return the function turning one cell value into its CSV text."""
    if kind == DATE:
        pattern = "%d/%m/%Y" if excel else "%Y-%m-%d"
        return lambda v: v.strftime(pattern) if v else ""
    if kind == DATETIME:
        if excel:
            return lambda v: v.strftime("%d/%m/%Y %H:%M") if v else ""
        return lambda v: v.isoformat(timespec="minutes") if v else ""
    if kind == INTEGER:
        return lambda v: "" if v is None else v
    return _text


def write_csv(path, columns, rows, meta, progress, *, dialect: str = "excel") -> int:
    """Write ``rows`` as CSV; dates dd/mm/aaaa for Excel, ISO 8601 for integrations."""
    excel = dialect == "excel"
    formatters = [_formatter(c.kind, excel) for c in columns]
    written = 0
    with open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow([str(c.label) for c in columns])
        writerow = writer.writerow
        for row in rows:
            writerow([f(v) for f, v in zip(formatters, row, strict=True)])
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(written)
    progress(written)
    return written
