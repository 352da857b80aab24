"""The audit trail in the Django admin: read-only, like everywhere else."""

from django.contrib import admin

from audit.models import AuditEvent
from audit.pagination import CappedPaginator


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_email", "action", "target_type", "target_id", "ip"]
    # Exact-match search only, no list_filter: both would scan millions of rows.
    search_fields = ["=actor_email", "=request_id", "=action"]
    paginator = CappedPaginator
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
