"""A task's events and log lines carry the id of the request that queued it."""

import pytest

from audit import context as audit_context
from audit.choices import Action, Channel
from audit.models import AuditEvent
from audit.receivers import on_before_task_publish
from audit.tasks import purge_expired_events

pytestmark = pytest.mark.django_db


def test_publishing_a_task_inside_a_request_sends_its_request_id():
    headers = {}
    with audit_context.bind(audit_context.OperationContext(request_id="pedido-12345678")):
        on_before_task_publish(headers=headers)
    assert headers == {"request_id": "pedido-12345678"}


def test_task_run_by_a_worker_uses_the_request_id_it_was_sent(console_log):
    purge_expired_events.apply(headers={"request_id": "pedido-87654321"})
    event = AuditEvent.objects.get(action=Action.AUDIT_PURGE)
    assert (event.request_id, event.channel, event.actor_email) == (
        "pedido-87654321",
        Channel.TASK,
        "system",
    )
    assert "[pedido-87654321] audit purge" in console_log.getvalue()
    assert audit_context.current() is None  # nothing leaks into the next task


def test_task_without_a_request_id_gets_a_fresh_one():
    purge_expired_events.apply()
    event = AuditEvent.objects.get(action=Action.AUDIT_PURGE)
    assert len(event.request_id) == 32
