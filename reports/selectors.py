"""Reads of export jobs with their visibility rule: the owner, or an administrator."""

from django.db.models import QuerySet
from django.http import Http404

from reports.models import ExportJob

# Administrators hold every permission of the reports app (accounts.roles).
ADMIN_PERMISSION = "reports.view_exportjob"


def export_job_list(*, user) -> QuerySet[ExportJob]:
    """Return the user's own export jobs, newest first."""
    return ExportJob.objects.filter(owner=user).order_by("-created_at")


def export_job_get(*, user, job_id) -> ExportJob:
    """Return the job if ``user`` owns it or is an administrator; else raise Http404.

    Someone else's job is "not found", never "forbidden": ids leak nothing.
    """
    queryset = ExportJob.objects.select_related("owner")
    if not user.has_perm(ADMIN_PERMISSION):
        queryset = queryset.filter(owner=user)
    try:
        return queryset.get(pk=job_id)
    except (ExportJob.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
