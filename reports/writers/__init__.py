"""File writers of client exports: one module per format, one entry point here.

Every writer takes the export's rows (a ``reports.columns.RowPlan``: its
columns, and rows streamed from the database), its metadata and a progress
callback, and writes one file to a path. They never hold all rows in memory.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.columns import RowPlan

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
    plan: "RowPlan",
    meta: ExportMeta,
    progress: ProgressCallback,
    csv_dialect: str = "excel",
) -> int:
    """Write the file for ``fmt`` from the plan's rows; return the number of rows written.

    ``progress`` is called with the rows written so far, every
    ``PROGRESS_EVERY`` rows and once at the end; it may raise to stop.
    """
    if fmt == "csv":
        from reports.writers.csv import write_csv

        return write_csv(path, plan, meta, progress, dialect=csv_dialect)
    if fmt == "xlsx":
        from reports.writers.xlsx import write_xlsx

        return write_xlsx(path, plan.columns, plan.rows(), meta, progress)
    if fmt == "pdf":
        from reports.writers.pdf import write_pdf

        return write_pdf(path, plan.columns, plan.rows(), meta, progress)
    raise ValueError(f"unknown export format {fmt!r}")
