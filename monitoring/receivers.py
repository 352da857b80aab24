"""Count logins and lockouts; log and count every Celery task with its duration.

Workers are not scraped: a finished task's count and duration go to the
broker's Redis (monitoring.task_metrics), which /metrics reads.
"""

import logging
import time

from celery import signals as celery_signals
from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from monitoring.metrics import LOCKOUTS, LOGINS
from monitoring.task_metrics import record_task

task_logger = logging.getLogger("gestao.task")
_started: dict[str, float] = {}


@receiver(user_logged_in, dispatch_uid="monitoring_login_succeeded")
def _login_succeeded(sender, **kwargs):
    LOGINS.labels(result="succeeded").inc()


@receiver(user_login_failed, dispatch_uid="monitoring_login_failed")
def _login_failed(sender, **kwargs):
    LOGINS.labels(result="failed").inc()


def _locked_out(sender, **kwargs):
    LOCKOUTS.inc()


if apps.is_installed("axes"):  # the lockout backend of accounts
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="monitoring_lockout")


@celery_signals.task_prerun.connect(dispatch_uid="monitoring_task_start")
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


@celery_signals.task_postrun.connect(dispatch_uid="monitoring_task_done")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    """One JSON log line per task (name, id, state, duration, never its
    arguments), and the task's count and duration for /metrics."""
    started = _started.pop(task_id, None)
    duration = time.perf_counter() - started if started is not None else 0.0
    name = getattr(task, "name", "unknown")
    record_task(name=name, state=state or "UNKNOWN", seconds=duration)
    task_logger.info(
        "task %s %s",
        name,
        state,
        extra={
            "task": name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round(duration * 1000, 1),
        },
    )
