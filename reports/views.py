"""Relatórios: start exports, follow their progress, download or cancel them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from clientes.filters import DEFAULT_STATUS, FILTER_NAMES, ClienteFilterSet, ordering_choices_for
from clientes.masking import can_see_full_cpf
from clientes.saved_searches import SAVED_PARAM
from reports import services
from reports.downloads import export_file_response
from reports.forms import ExportForm
from reports.limits import RETRY_AFTER_SECONDS, ExportRefused
from reports.models import ExportStatus
from reports.selectors import export_job_get, export_job_list


@login_required
@permission_required("clientes.view_cliente", raise_exception=True)
@require_GET
def index(request):
    """Relatórios: a new export (with filters) and "Minhas exportações"."""
    filter_form = ClienteFilterSet(data=request.GET or None).form
    ordering = filter_form.fields["ordering"]
    ordering.choices = ordering_choices_for(
        cpf_prefix=can_see_full_cpf(request.user), choices=ordering.choices
    )
    _as_on_the_search_screen(filter_form)
    context = {
        "jobs": export_job_list(user=request.user)[:50],
        "filter_form": filter_form,
        "export_form": ExportForm(),
    }
    return render(request, "reports/index.html", context)


# The empty choice of each select, worded as on the search screen (not "---------").
_EMPTY_LABELS = {
    "uf": _lazy("Todas"),
    "sexo": _lazy("Todos"),
    "ordering": _lazy("Padrão (relevância ao buscar nomes)"),
}


def _as_on_the_search_screen(form) -> None:
    """Give Relatórios' filters the search screen's defaults and empty labels."""
    form.fields["status"].initial = DEFAULT_STATUS
    for name, label in _EMPTY_LABELS.items():
        field = form.fields[name]
        field.empty_label = label  # django-filter puts it first when the choices are set
        field.choices = [choice for choice in field.choices if choice[0] != ""]


def _form_error(request, errors: list[str], status: int = 400) -> HttpResponse:
    template = "reports/_export_errors.html" if request.htmx else "reports/export_error.html"
    return render(request, template, {"errors": errors}, status=status)


@login_required
@permission_required("clientes.view_cliente", raise_exception=True)
@require_POST
def export_create(request):
    """Start an export of the search carried by the form (the search's query)."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _form_error(request, [e for errs in form.errors.values() for e in errs])
    params = {key: request.POST[key] for key in FILTER_NAMES if request.POST.get(key)}
    if request.POST.get(SAVED_PARAM):
        params[SAVED_PARAM] = request.POST[SAVED_PARAM]
    try:
        result = services.export_request(
            user=request.user,
            params=params,
            fmt=form.cleaned_data["format"],
            fields=form.cleaned_data["fields"],
            csv_dialect=form.cleaned_data["csv_dialect"] or "excel",
        )
    except ValidationError as exc:
        return _form_error(request, exc.messages)
    except ExportRefused as exc:
        response = _form_error(request, [exc.message], status=exc.status)
        if exc.status == 429:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    job = result.job
    if result.inline:
        job = services.export_generate_inline(job=job)
        if not job.is_downloadable:
            return _form_error(request, [job.error or _("A exportação não foi gerada.")])
        if request.htmx:
            # The browser downloads the attachment and stays on the page.
            return HttpResponseClientRedirect(reverse("reports:export_download", args=[job.pk]))
        return export_file_response(user=request.user, job=job)
    if request.htmx:
        if request.POST.get("origem") == "relatorios":  # the list below the form shows it too
            context = {"job": job, "jobs": export_job_list(user=request.user)[:50]}
            return render(request, "reports/_job_started.html", context)
        return render(request, "reports/_job_status.html", {"job": job, "started": True})
    messages.success(
        request, _("Exportação iniciada: acompanhe o progresso em Minhas exportações.")
    )
    return redirect("reports:index")


@login_required
@require_GET
def export_detail(request, pk):
    """A job's progress: the table row or the status card (HTMX polling), or a page."""
    job = export_job_get(user=request.user, job_id=pk)
    template = {
        "row": "reports/_job_row.html",
        "status": "reports/_job_status.html",
    }.get(request.GET.get("partial"), "reports/export_detail.html")
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request, pk):
    job = export_job_get(user=request.user, job_id=pk)
    if not job.is_downloadable:
        expired = job.status == ExportStatus.DONE
        message = (
            _("O arquivo desta exportação expirou e foi apagado.")
            if expired
            else _("O arquivo ainda não está pronto.")
        )
        return render(
            request,
            "reports/export_error.html",
            {"errors": [message]},
            status=410 if expired else 409,
        )
    return export_file_response(user=request.user, job=job)


@login_required
@require_POST
def export_cancel(request, pk):
    job = export_job_get(user=request.user, job_id=pk)
    try:
        job = services.export_cancel(user=request.user, job=job)
    except ValidationError as exc:
        if request.htmx:
            job.refresh_from_db()
        else:
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:index")
    if request.htmx:
        template = (
            "reports/_job_row.html"
            if request.GET.get("partial") == "row"
            else ("reports/_job_status.html")
        )
        return render(request, template, {"job": job})
    messages.success(request, _("Exportação cancelada."))
    return redirect("reports:index")
