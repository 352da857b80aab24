"""Import of clients on the web: upload, map the columns, simulate, apply, follow, undo.

The steps are the job's states: a DRAFT job asks for the mapping; a finished
dry run shows each row's verdict and offers to apply it; a running job shows
its progress (HTMX polls ``?partial=status``); an applied one offers undo.
Rules in ``imports.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imports import services, undo
from imports.columns import FIELDS
from imports.error_report import error_filename, error_lines
from imports.forms import UploadForm
from imports.models import ImportJob, ImportStatus, Verdict
from imports.reader import too_big_message
from imports.uploads import UploadTooLarge, guard_upload, upload_was_cut

ROWS_PER_PAGE = 50
HISTORY_SIZE = 50


def _may_import(request) -> None:
    if not services.may_import(request.user):
        raise PermissionDenied


def _job(request, pk) -> ImportJob:
    """Return the job if the user may see it; 404 otherwise (ids reveal nothing)."""
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not services.may_see(request.user, job):
        raise Http404("No ImportJob matches the given query.")
    return job


def _errors(error: ValidationError) -> list[str]:
    return error.messages


@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt  # the size guard must run before the CSRF check reads the body ...
def import_upload(request):
    """Step 1: choose the file (CSV or XLSX)."""
    _may_import(request)
    if request.method == "POST":
        try:
            guard_upload(request)
        except UploadTooLarge:
            return _too_large(request)
    return _upload(request)


@csrf_protect  # ... and the CSRF check runs here, once the upload is bounded
def _upload(request):
    if request.method != "POST":
        return render(request, "imports/upload.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if upload_was_cut(request):
        return _too_large(request)
    if form.is_valid():
        try:
            job = services.import_upload(
                user=request.user,
                upload=form.cleaned_data["file"],
                on_conflict=form.cleaned_data["on_conflict"],
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            return redirect("imports:mapping", pk=job.pk)
    return render(request, "imports/upload.html", {"form": form}, status=400)


def _too_large(request):
    context = {"form": UploadForm(), "errors": [too_big_message()]}
    return render(request, "imports/upload.html", context, status=413)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    """Step 2: which field each column fills; then the dry run starts."""
    _may_import(request)
    job = _job(request, pk)
    if job.status != ImportStatus.DRAFT:
        return redirect(job)
    try:
        header = services.header_of(job)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("imports:upload")
    errors = []
    mapping = job.mapping
    if request.method == "POST":
        mapping = {
            title: request.POST.get(f"col_{index}", "") for index, title in enumerate(header)
        }
        try:
            job = services.import_start(user=request.user, job=job, mapping=mapping)
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect(job)
    columns = [
        {"index": index, "title": title, "field": mapping.get(title, "")}
        for index, title in enumerate(header)
    ]
    context = {"job": job, "columns": columns, "fields": FIELDS, "errors": errors}
    return render(request, "imports/mapping.html", context, status=400 if errors else 200)


@login_required
@require_GET
def import_detail(request, pk):
    """Step 3 and after: the verdicts, the progress or the result of an import."""
    job = _job(request, pk)
    if job.status == ImportStatus.DRAFT:
        return redirect("imports:mapping", pk=job.pk)
    context = {"job": job, "may_import": services.may_import(request.user)}
    if request.GET.get("partial") == "status":
        return render(request, "imports/_status.html", context)
    verdict = request.GET.get("resultado", "")
    rows = job.rows.order_by("linha")
    if verdict in Verdict.values:
        rows = rows.filter(verdict=verdict)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("pagina"))
    context.update(
        {
            "page": page,
            "verdict": verdict,
            "verdicts": Verdict.choices,
            "applications": job.applications.order_by("-created_at"),
        }
    )
    return render(request, "imports/detail.html", context)


@login_required
@require_GET
def import_history(request):
    """The user's imports, newest first (administrators see everyone's)."""
    if not request.user.has_perm("imports.view_all_importjob"):
        _may_import(request)
    jobs = ImportJob.objects.select_related("owner").order_by("-created_at")
    if not request.user.has_perm("imports.view_all_importjob"):
        jobs = jobs.filter(owner=request.user)
    return render(request, "imports/history.html", {"jobs": jobs[:HISTORY_SIZE]})


def _act(request, pk, service, done_message: str):
    job = _job(request, pk)
    try:
        job = service(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, done_message)
    return redirect(job)


@login_required
@require_POST
def import_apply(request, pk):
    """Step 4: apply a finished dry run (the same file and mapping)."""
    _may_import(request)
    source = _job(request, pk)
    try:
        # The mode the user reviewed in the dry run, nothing else.
        job = services.import_apply(user=request.user, source=source)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect(source)
    return redirect(job)


@login_required
@require_POST
def import_cancel(request, pk):
    return _act(request, pk, services.import_cancel, _("Cancelamento solicitado."))


@login_required
@require_POST
def import_undo(request, pk):
    _may_import(request)
    return _act(request, pk, undo.import_undo, _("Importação desfeita."))


@login_required
@require_GET
def import_errors(request, pk):
    """The invalid rows as CSV: row number and reason."""
    job = _job(request, pk)
    response = StreamingHttpResponse(error_lines(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{error_filename(job)}"'
    response["Cache-Control"] = "private, no-store"
    return response
