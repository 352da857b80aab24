"""Celery tasks of the duplicates app (thin: they call the service)."""

from celery import shared_task

from duplicates.services import duplicates_refresh


@shared_task(name="duplicates.tasks.refresh", ignore_result=True, soft_time_limit=30 * 60)
def refresh(full: bool = False) -> dict | None:
    """Recompute the probable duplicates of the clients changed since the last run."""
    run = duplicates_refresh(full=full)
    if run is None:
        return None  # another run holds the lock: it covers these changes
    return {"comparados": run.comparados, "pares": run.pares, "duracao_ms": run.duracao_ms}
