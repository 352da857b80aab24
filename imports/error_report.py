"""The error report of an import: one CSV line per invalid row (row number, reason).

Reasons quote what the file held, so a hostile cell could come back as a
formula in the user's spreadsheet: every value that looks like one is
neutralised with a leading apostrophe (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from imports.models import ImportJob, Verdict
from reports.writers import looks_like_formula


def _safe(value: str) -> str:
    return "'" + value if looks_like_formula(value) else value


def error_lines(job: ImportJob) -> Iterator[str]:
    """Yield the report's CSV text (``;``, UTF-8 with BOM: Excel opens it as is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([_("linha"), _("motivo")])
    yield "\ufeff" + flush()
    rows = job.rows.filter(verdict=Verdict.INVALID).order_by("linha")
    for linha, reasons in rows.values_list("linha", "reasons").iterator(chunk_size=2000):
        writer.writerow([linha, _safe(" | ".join(reasons))])
        yield flush()


def error_filename(job: ImportJob) -> str:
    return f"erros-importacao-{job.created_at:%Y%m%d-%H%M}.csv"
