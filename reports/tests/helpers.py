"""Run an export the way the app does, and open its file."""

from reports.models import ExportJob
from reports.services import export_generate, export_request


def run_export(user, params=None, fmt="csv", **options) -> ExportJob:
    """Request and generate an export in this process; return the finished job."""
    result = export_request(user=user, params=params or {}, fmt=fmt, **options)
    export_generate(job_id=result.job.pk)
    result.job.refresh_from_db()
    return result.job
