"""Claim, complete and forget Idempotency-Keys (the HTTP side is ``idempotency.api``)."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from idempotency.models import IdempotentRequest

_POLL_SECONDS = 0.05


class IdempotencyKeyReused(Exception):
    """The key was first sent with another request."""


class IdempotencyInProgress(Exception):
    """The first request with this key is still being served."""


def _ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def idempotency_claim(*, user, key: str, fingerprint: str) -> tuple[IdempotentRequest, bool]:
    """Return ``(record, True)`` when this request must do the work, or the
    finished ``(record, False)`` whose answer is to be replayed.

    The unique (user, key) row is the lock: of concurrent duplicates, one
    inserts it and the others wait (up to IDEMPOTENCY_WAIT_SECONDS) for its
    answer. Raises IdempotencyKeyReused or IdempotencyInProgress.
    """
    deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
    while True:
        expired = timezone.now() - _ttl()
        IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=expired).delete()
        with transaction.atomic():
            record, created = IdempotentRequest.objects.get_or_create(
                user=user, key=key, defaults={"fingerprint": fingerprint}
            )
        if created:
            return record, True
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused
        if record.status_code is not None:
            return record, False
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress
        time.sleep(_POLL_SECONDS)


def idempotency_complete(
    *, record: IdempotentRequest, status_code: int, headers: dict, body: bytes
) -> None:
    """Keep the answer of a claimed request for replays."""
    record.status_code = status_code
    record.headers = headers
    record.body = body
    record.save(update_fields=["status_code", "headers", "body"])


def idempotency_release(*, record: IdempotentRequest) -> None:
    """Forget a claim whose request failed on our side: a retry does the work."""
    IdempotentRequest.objects.filter(pk=record.pk).delete()


def idempotency_purge() -> int:
    """Delete answers older than IDEMPOTENCY_TTL_HOURS; return how many."""
    deleted, _by_model = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - _ttl()
    ).delete()
    return deleted
