"""The periodic reconciliation in django-celery-beat's schedule (editable in the admin)."""

from django.conf import settings

RECONCILE_TASK = "clientes.tasks.cache_reconcile"


def ensure_reconcile_schedule(**kwargs) -> None:
    """Create the beat entry if no entry runs the task yet; never touch an existing one.

    Runs after every migrate: an administrator's edits (interval, disabling it)
    are kept; a deleted entry comes back on the next deploy (disable it instead).
    """
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask.objects.filter(task=RECONCILE_TASK).exists():
        return
    interval, _created = IntervalSchedule.objects.get_or_create(
        every=settings.CLIENTES_CACHE["RECONCILE_MINUTES"], period=IntervalSchedule.MINUTES
    )
    PeriodicTask.objects.get_or_create(
        name="Reconciliação do cache de clientes",
        defaults={
            "task": RECONCILE_TASK,
            "interval": interval,
            "description": "Compara o cache Redis com o PostgreSQL e corrige divergências.",
        },
    )
