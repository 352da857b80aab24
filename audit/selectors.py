"""Reads of the audit trail, with their rules."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.choices import CLIENTE_CHANGE_ACTIONS, CLIENTE_READ_ACTIONS
from audit.filters import CLIENTE_TARGET, AuditEventFilterSet
from audit.models import AuditEvent

AUDIT_VIEW_PERMISSION = "audit.view_auditevent"


def can_read_audit(user) -> bool:
    """Return True when ``user`` may read the whole audit trail (Administrador)."""
    return bool(user and user.is_authenticated and user.has_perm(AUDIT_VIEW_PERMISSION))


def audit_event_list(*, params: Mapping) -> QuerySet[AuditEvent]:
    """Return the events matching ``params`` (AuditEventFilterSet names), newest first.

    Raises ``ValidationError`` (pt-BR messages per parameter) for invalid
    parameters. Callers check ``can_read_audit`` first.
    """
    filterset = AuditEventFilterSet(data=params, queryset=AuditEvent.objects.all())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.order_by("-occurred_at", "-id")


def cliente_history(*, user, id_cliente: int, limit: int = 50) -> list[AuditEvent]:
    """Return the latest events about one client that ``user`` may see.

    Everyone who may open the profile sees its changes; only those who may
    read the audit trail also see who viewed or exported it.
    """
    actions = list(CLIENTE_CHANGE_ACTIONS)
    if can_read_audit(user):
        actions += CLIENTE_READ_ACTIONS
    return list(
        AuditEvent.objects.filter(
            target_type=CLIENTE_TARGET, target_id=str(id_cliente), action__in=actions
        ).order_by("-occurred_at", "-id")[:limit]
    )
