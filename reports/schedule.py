"""The periodic housekeeping of exports, registered with django-celery-beat.

Done after every migrate (and every test-database flush), like the roles, so
the schedule exists wherever the tables do.
"""

HOUSEKEEPING_NAME = "Exportações: apagar expiradas e recuperar interrompidas"
HOUSEKEEPING_TASK = "reports.export_housekeeping"
HOUSEKEEPING_EVERY_MINUTES = 5


def ensure_housekeeping_schedule(**kwargs) -> None:
    """Create the beat entry if missing; never undo an administrator's changes."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask.objects.filter(task=HOUSEKEEPING_TASK).exists():
        return
    every, _created = IntervalSchedule.objects.get_or_create(
        every=HOUSEKEEPING_EVERY_MINUTES, period=IntervalSchedule.MINUTES
    )
    PeriodicTask.objects.create(name=HOUSEKEEPING_NAME, task=HOUSEKEEPING_TASK, interval=every)
