"""Celery application. Tasks are discovered in each app's ``tasks.py``.

Worker and beat log through Django's ``LOGGING`` (the CPF-masking and
request-id filters, the JSON format): Celery would otherwise replace the root
logger's handlers with its own, and every line of the processes that
generate exports would go out unmasked.
"""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gestao_clientes")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()


@setup_logging.connect
def _configure_logging_from_django(**kwargs):
    """Apply Django's LOGGING in worker and beat (a receiver stops Celery's own setup)."""
    logging.config.dictConfig(settings.LOGGING)
