"""Bounds on what exports may take: jobs in flight per user, disk for their files.

Both bounds are system parameters (Configurações). A request over a bound is
refused before any job exists, with a pt-BR message and the HTTP status the
screen and the API answer with.
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import ExportJob, ExportStatus

# Seconds a refused user is told to wait (Retry-After) before trying again.
RETRY_AFTER_SECONDS = 30


class ExportRefused(Exception):
    """The export cannot start now; ``status`` is the HTTP answer."""

    status = 409
    code = "export_refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyPendingExports(ExportRefused):
    status = 429
    code = "too_many_exports"


class ExportStorageFull(ExportRefused):
    status = 507
    code = "export_storage_full"


def check_pending_limit(*, user, limit: int) -> None:
    """Refuse a new export while ``user`` has ``limit`` exports queued or running.

    The caller holds a lock on the user's row, so two requests at once cannot
    both see room for one more.
    """
    in_flight = ExportJob.objects.filter(
        owner=user, status__in=(ExportStatus.PENDING, ExportStatus.RUNNING)
    ).count()
    if in_flight >= limit:
        raise TooManyPendingExports(
            ngettext(
                "Você já tem %(count)d exportação na fila ou em geração (o limite é "
                "%(limit)d). Aguarde uma delas terminar e tente de novo.",
                "Você já tem %(count)d exportações na fila ou em geração (o limite é "
                "%(limit)d). Aguarde uma delas terminar e tente de novo.",
                in_flight,
            )
            % {"count": in_flight, "limit": limit}
        )


def disk_used() -> int:
    """Return the bytes the stored export files take (as recorded on their jobs)."""
    return ExportJob.objects.exclude(file="").aggregate(total=Sum("size"))["total"] or 0


def expire_job_file(job_id) -> None:
    """Forget the job's file now and delete it from disk once that commits."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        name = job.file.name
        if not name:
            return
        job.file.name = ""
        job.size = 0
        job.save(update_fields=["file", "size"])
        transaction.on_commit(lambda: default_storage.delete(name))


def ensure_disk_room(*, limit_bytes: int, now=None) -> None:
    """Make sure the export files take less than ``limit_bytes``, or refuse.

    Files already past their expiry go first, the oldest first (housekeeping
    would delete them anyway); a file still within its retention is never
    deleted early, since its owner was promised it until then.
    """
    used = disk_used()
    if used < limit_bytes:
        return
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file="").order_by("expires_at")
    for job_id, size in expired.values_list("pk", "size"):
        expire_job_file(job_id)
        used -= size
        if used < limit_bytes:
            return
    raise ExportStorageFull(
        _(
            "O espaço reservado para arquivos exportados (%(limit)s MB) está cheio. "
            "Aguarde a expiração de exportações antigas ou peça a um administrador "
            "para ampliar o limite em Configurações."
        )
        % {"limit": limit_bytes // (1024 * 1024)}
    )
