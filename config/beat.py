"""The Celery beat scheduler: common.beat's single-beat one, plus a heartbeat file.

The database scheduler keeps its state in PostgreSQL and writes no schedule
file, so a container healthcheck has nothing on disk to look at. Every tick
(at most a few seconds apart, a standby beat's too) touches
``CELERY_BEAT_HEARTBEAT_FILE``; the healthcheck fails when the file is older
than a minute, i.e. when beat is stuck or gone.
"""

from pathlib import Path

from django.conf import settings

from common.beat import SingleBeatScheduler


class HeartbeatDatabaseScheduler(SingleBeatScheduler):
    """Schedule from the database (one beat at a time); touch the heartbeat on every tick."""

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        if settings.CELERY_BEAT_HEARTBEAT_FILE:
            Path(settings.CELERY_BEAT_HEARTBEAT_FILE).touch()
        return interval
