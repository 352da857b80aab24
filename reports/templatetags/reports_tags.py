"""``{% export_form %}``: the export form for the search screen's current query."""

from datetime import timedelta

from django import template
from django.utils import timezone

from clientes.filters import FILTER_NAMES
from reports import services
from reports.forms import ExportForm

register = template.Library()


@register.inclusion_tag("reports/_export_form.html", takes_context=True)
def export_form(context):
    """Render the export form carrying the search parameters of this request."""
    request = context["request"]
    search_params = [
        (key, value)
        for key in FILTER_NAMES
        for value in request.GET.getlist(key)[-1:]
        if value.strip()
    ]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "form": ExportForm(),
        "search_params": search_params,
        "perms": context.get("perms"),
    }


@register.filter
def export_progress(job) -> int:
    """The job's progress in percent (live while it runs)."""
    return services.export_progress(job)


# A new export often finishes within a second or two (a 10,000-row CSV in
# ~0.5 s): poll its card quickly at first, so the download button appears
# when the file does, then settle to once a second.
_QUICK_POLLING = timedelta(seconds=5)


@register.filter
def export_poll_every(job) -> str:
    """The htmx polling interval of a running job's status card."""
    return "250ms" if timezone.now() - job.created_at < _QUICK_POLLING else "1s"


@register.filter
def export_filters(job) -> list[tuple[str, str]]:
    """The job's filters as (label, value) pairs people can read."""
    return services.describe_filters(job.filters)
