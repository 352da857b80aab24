"""Actions on every client of a search, on the web: review, confirm, follow, cancel.

The search screen's form posts the current search and the action; the user
then sees exactly how many clients will change and a sample, and confirms
that snapshot (``clientes.bulk``). The job page shows the result, or the
progress of a job running in the background with a cancel button.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from clientes import bulk
from clientes.models import BulkAction, BulkStatus

SKIPPED_SHOWN = 100


def _job(request, pk) -> BulkAction:
    """Return the job if the user may see it; 404 otherwise (ids reveal nothing)."""
    job = BulkAction.objects.filter(pk=pk).first()
    if job is None or not bulk.may_see(request.user, job):
        raise Http404("No BulkAction matches the given query.")
    return job


@login_required
@require_POST
def bulk_prepare(request):
    """Count the clients the action would change and ask for confirmation."""
    if not bulk.may_run_bulk(request.user):
        raise PermissionDenied
    try:
        job = bulk.bulk_prepare(
            user=request.user,
            action=request.POST.get("action", ""),
            params=request.POST,
            motivo=request.POST.get("motivo", ""),
        )
    except ValidationError as error:
        template = "clientes/_action_errors.html" if request.htmx else "clientes/bulk_error.html"
        return render(request, template, {"errors": error.messages}, status=400)
    if request.htmx:
        return HttpResponseClientRedirect(job.get_absolute_url())
    return redirect(job)


@login_required
@require_GET
def bulk_detail(request, pk):
    """The confirmation (draft), the progress (HTMX polls ?partial=status) or the result."""
    job = _job(request, pk)
    context = {
        "job": job,
        "sample": bulk.bulk_sample(user=request.user, job=job)
        if job.status == BulkStatus.DRAFT
        else [],
        "skipped_shown": job.skipped_ids[:SKIPPED_SHOWN],
        "changed": len(job.changed_ids),
    }
    if request.GET.get("partial") == "status":
        return render(request, "clientes/_bulk_status.html", context)
    return render(request, "clientes/bulk_detail.html", context)


def _act(request, pk, service, done_message: str):
    """Run ``service`` on the job, then back to its page with the outcome as a message."""
    job = _job(request, pk)
    try:
        job = service(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return redirect(job)


@login_required
@require_POST
def bulk_confirm(request, pk):
    """Apply the reviewed snapshot (now, or as a background job)."""
    return _act(request, pk, bulk.bulk_confirm, _("Ação confirmada."))


@login_required
@require_POST
def bulk_cancel(request, pk):
    """Drop a reviewed action, or stop a running one after its current batch."""
    return _act(request, pk, bulk.bulk_cancel, _("Cancelamento solicitado."))
