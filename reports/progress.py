"""Live progress and cancel flags of running exports, kept in the cache (Redis).

A running export reads its rows inside one long read-only transaction (a
consistent snapshot), so it cannot publish progress through its own database
connection: other sessions would not see it until the end. The cache carries
it instead; the job row stays the source of truth for the status. When Redis
is unavailable the bar simply waits for the final status.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

_TTL = 24 * 3600


def _key(job_id, what: str) -> str:
    return f"reports:export:{job_id}:{what}"


def set_progress(job_id, percent: int) -> None:
    try:
        cache.set(_key(job_id, "progress"), percent, _TTL)
    except Exception:  # progress is best effort: the export goes on
        logger.warning("export %s: could not publish progress", job_id)


def get_progress(job_id) -> int | None:
    try:
        return cache.get(_key(job_id, "progress"))
    except Exception:
        return None


def request_cancel(job_id) -> None:
    try:
        cache.set(_key(job_id, "cancel"), True, _TTL)
    except Exception:  # the final check on the job row still cancels
        logger.warning("export %s: could not publish the cancel flag", job_id)


def cancel_requested(job_id) -> bool:
    try:
        return bool(cache.get(_key(job_id, "cancel")))
    except Exception:
        return False


def forget(job_id) -> None:
    try:
        cache.delete_many([_key(job_id, "progress"), _key(job_id, "cancel")])
    except Exception:  # the keys expire by themselves
        logger.warning("export %s: could not clear its progress keys", job_id)
