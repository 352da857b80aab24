"""The audit page (/auditoria/): filters, pagination and CSV export, for administrators."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from audit.choices import Action
from audit.csv_export import CSV_MAX_ROWS, csv_rows
from audit.filters import AuditEventFilterSet
from audit.models import AuditEvent
from audit.pagination import CappedPaginator
from audit.selectors import AUDIT_VIEW_PERMISSION, audit_event_list
from audit.services import audit_record

PAGE_SIZE = 50


class AuditAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous: login redirect; logged in without the permission: 403."""

    permission_required = AUDIT_VIEW_PERMISSION

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class AuditEventListView(AuditAccessMixin, TemplateView):
    """List events newest first; HTMX requests get only the table partial."""

    template_name = "audit/event_list.html"
    partial_template_name = "audit/_event_table.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = AuditEventFilterSet(data=params or None, queryset=AuditEvent.objects.none())
        context["filter_form"] = filterset.form
        try:
            events = audit_event_list(params=params)
        except ValidationError:
            events = AuditEvent.objects.none()
            context["invalid"] = True
        paginator = CappedPaginator(events, PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        context.update(
            page_obj=page,
            paginator=paginator,
            querystring=query.urlencode(),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("invalid"):
            response.status_code = 400
        return response


class AuditEventCsvView(AuditAccessMixin, View):
    """Stream the filtered events as CSV (at most CSV_MAX_ROWS); the export is audited."""

    def get(self, request):
        try:
            events = audit_event_list(params=request.GET)
        except ValidationError as exc:
            messages = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
            return HttpResponseBadRequest(messages, content_type="text/plain; charset=utf-8")
        audit_record(
            action=Action.AUDIT_EXPORT,
            request=request,
            details={"filtros": _filters_of(request.GET), "limite": CSV_MAX_ROWS},
        )
        response = StreamingHttpResponse(csv_rows(events), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="auditoria-{stamp}.csv"'
        return response


def _filters_of(params) -> dict:
    return {k: v for k, v in params.items() if k != "page" and v}
