"""Audit events for tests, written the way production writes them (INSERT only)."""

from datetime import timedelta

from django.utils import timezone

from audit.choices import Action, Channel
from audit.models import AuditEvent


def make_event(*, days_ago: float = 0, **fields) -> AuditEvent:
    values = {
        "occurred_at": timezone.now() - timedelta(days=days_ago),
        "actor_email": "alguem@teste.com.br",
        "channel": Channel.WEB,
        "action": Action.CLIENTE_VIEW,
        **fields,
    }
    return AuditEvent.objects.create(**values)
