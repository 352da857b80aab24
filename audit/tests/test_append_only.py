"""Audit rows are append-only: the ORM refuses, and PostgreSQL refuses too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.system_settings import current_settings, forget_cached_settings
from audit.choices import SYSTEM_ACTOR, Action
from audit.models import AuditEvent
from audit.services import audit_purge_expired
from audit.tasks import purge_expired_events
from audit.tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "UPDATE audit_auditevent SET details = '{}' WHERE id = %(id)s",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE id = %(id)s",
    ],
)
def test_database_rejects_update_and_delete(sql):
    event = make_event()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, {"id": event.pk})
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_purge_setting_is_not_left_on_after_the_purge():
    make_event(days_ago=4000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_purge_before(now(), 10)")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.save(),
        lambda e: e.delete(),
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="x"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    ],
    ids=["save", "delete", "queryset.update", "queryset.delete"],
)
def test_model_refuses_changes(change):
    event = make_event()
    with pytest.raises(PermissionDenied):
        change(event)
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_retention_purge_deletes_only_expired_events_and_records_itself():
    settings_row = current_settings()
    settings_row.audit_retention_days = 365
    settings_row.save()
    forget_cached_settings()
    old = [make_event(days_ago=400), make_event(days_ago=366)]
    kept = [make_event(days_ago=364), make_event(days_ago=1)]

    purged = audit_purge_expired(batch_size=1)  # several batches

    assert purged == 2
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in kept} <= remaining
    purge = AuditEvent.objects.get(action=Action.AUDIT_PURGE)
    assert purge.actor_email == SYSTEM_ACTOR
    assert purge.details["count"] == 2
    assert purge.details["retention_days"] == 365


def test_default_retention_is_five_years_and_the_beat_task_purges():
    make_event(days_ago=5 * 365 + 2)
    recent = make_event(days_ago=5 * 365 - 2)

    assert purge_expired_events.delay().get() == 1

    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action=Action.AUDIT_PURGE).count() == 1


def test_purge_is_scheduled_in_beat():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audit.tasks.purge_expired_events" in tasks
