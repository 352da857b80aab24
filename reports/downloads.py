"""The file response of a finished export, shared by the page and the API."""

from django.http import FileResponse

from reports.models import ExportJob
from reports.services import download_filename, export_record_download

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_file_response(*, user, job: ExportJob) -> FileResponse:
    """Return the job's file as an attachment with a safe, descriptive name."""
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=download_filename(job),
        content_type=CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "private, no-store"
    export_record_download(user=user, job=job)
    return response
