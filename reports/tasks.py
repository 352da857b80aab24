"""Celery tasks of exports: thin wrappers over reports.services.

``acks_late`` + ``reject_on_worker_lost``: a worker killed mid-export puts the
message back on the queue; ``export_generate`` is idempotent and takes over.
"""

from celery import shared_task

from reports import services


@shared_task(
    name=services.EXPORT_GENERATE_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # A hung export must not hold its job "running" forever: the soft limit
    # fails it cleanly; past the hard one the housekeeping task recovers it.
    soft_time_limit=15 * 60,
    time_limit=16 * 60,
)
def export_generate_task(job_id: str) -> None:
    services.export_generate(job_id=job_id)


@shared_task(name="reports.export_housekeeping", ignore_result=True)
def export_housekeeping_task() -> dict:
    """Delete expired files; re-queue or fail exports abandoned by dead workers."""
    expired = services.export_expire()
    recovered = services.export_recover_stale()
    dispatched = services.export_dispatch_unqueued()
    return {"expired": expired, **recovered, "dispatched": dispatched}


@shared_task(name="reports.export_dispatch", ignore_result=True)
def export_dispatch_task() -> int:
    """Send exports requested while the broker was down (beat, every 30 seconds)."""
    return services.export_dispatch_unqueued()
