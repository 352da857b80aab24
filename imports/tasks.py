"""Celery task of imports: a thin wrapper over imports.services.

``acks_late`` + ``reject_on_worker_lost``: a worker killed mid-import puts the
message back; ``import_run`` resumes after the last committed batch.
"""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from imports import services

logger = logging.getLogger(__name__)


@shared_task(
    name="imports.import_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=30 * 60,
    time_limit=31 * 60,
)
def import_run_task(job_id: str) -> None:
    """Run a queued import (or dry run) of a spreadsheet."""
    try:
        services.import_run(job_id=job_id)
    except Exception:
        logger.exception("import %s failed", job_id)
        services.import_fail(
            job_id=job_id, message=_("A importação foi interrompida por um erro interno.")
        )
        raise
