"""The first answer to each (user, Idempotency-Key), kept 24 hours for replays."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One POST sent with an ``Idempotency-Key``, and the answer it got.

    ``status_code`` is null while the first request is still being served, so a
    concurrent duplicate waits for it instead of doing the work again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    # SHA-256 of method, path, query and body: the same key with another
    # request is a client bug (422), never a replay.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
