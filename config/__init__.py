"""Project configuration: settings, URLs, Celery app, WSGI/ASGI entry points."""

from config.celery import app as celery_app
from config.version import VERSION

__all__ = ["VERSION", "celery_app"]
