"""GET /api/v1/audit/events/: the audit trail, read-only, for administrators."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, permissions
from rest_framework.pagination import CursorPagination

from audit.api.serializers import AuditEventSerializer
from audit.filters import AuditEventFilterSet
from audit.models import AuditEvent
from audit.selectors import can_read_audit


class CanReadAudit(permissions.BasePermission):
    message = "Você não tem permissão para ler a auditoria."

    def has_permission(self, request, view):
        return can_read_audit(request.user)


class AuditEventPagination(CursorPagination):
    """Cursor pages: constant cost however deep, on any table size."""

    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditEventListAPIView(generics.ListAPIView):
    """List audit events newest first; filters: usuario, acao, cliente, desde, ate, ip."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilterSet
    pagination_class = AuditEventPagination
