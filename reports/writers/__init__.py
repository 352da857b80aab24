"""File writers of client exports: one module per format, one entry point here.

Every writer takes the same inputs (columns, a stream of rows of cell values,
the export's metadata and a progress callback) and writes one file to a path.
They never hold all rows in memory.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# A spreadsheet treats a cell starting with one of these as a formula (OWASP
# "CSV injection"); a tab or carriage return can smuggle one in.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Rows between two progress reports (each may check for cancellation).
PROGRESS_EVERY = 500


def looks_like_formula(value: str) -> bool:
    return value[:1] in FORMULA_PREFIXES


@dataclass
class ExportMeta:
    """What an export file says about itself: who, when, which filters."""

    title: str
    generated_by: str
    generated_at: datetime  # local, naive
    filters: list[tuple[str, str]] = field(default_factory=list)
    row_count: int = 0


ProgressCallback = Callable[[int], None]


def write_export(
    *,
    fmt: str,
    path: Path,
    columns: Sequence,
    rows: Iterable[list],
    meta: ExportMeta,
    progress: ProgressCallback,
    csv_dialect: str = "excel",
) -> int:
    """Write the file for ``fmt`` and return the number of rows written."""
    if fmt == "csv":
        from reports.writers.csv import write_csv

        return write_csv(path, columns, rows, meta, progress, dialect=csv_dialect)
    if fmt == "xlsx":
        from reports.writers.xlsx import write_xlsx

        return write_xlsx(path, columns, rows, meta, progress)
    if fmt == "pdf":
        from reports.writers.pdf import write_pdf

        return write_pdf(path, columns, rows, meta, progress)
    raise ValueError(f"unknown export format {fmt!r}")
