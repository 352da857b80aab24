"""Writes of export jobs: request, generate, cancel, download, expire, recover.

An export stores the search *filters* (never a list of ids) and reads its rows
through ``clientes.selectors.cliente_search``, the same path as the search
screen and the API, inside one REPEATABLE READ transaction: the file is a
consistent snapshot even while clients change.

Reliability: a session-level PostgreSQL advisory lock marks a job as being
generated. It dies with the worker's connection, so a job whose worker was
killed (``kill -9``) is seen as abandoned at once: the redelivered task (acks
late + reject on worker lost) takes it over, and the housekeeping beat task
re-queues or fails it. The file is written to a ``.part`` path and moved into
place only when complete, so a partial file is never offered.
"""

import hashlib
import logging
import os
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from celery import signature
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.system_settings import current_settings
from audit.choices import Action
from audit.services import audit_record
from clientes.filters import FILTER_NAMES, ClienteFilterSet
from clientes.saved_searches import params_with_saved
from clientes.selectors import cliente_search
from common import replicas
from common.br import mask_cpf, only_digits
from reports import progress as live
from reports.columns import COLUMNS, DEFAULT_FIELDS, row_plan
from reports.limits import check_pending_limit, ensure_disk_room, expire_job_file
from reports.models import CsvDialect, ExportFormat, ExportJob, ExportStatus
from reports.writers import ExportMeta, write_export

logger = logging.getLogger(__name__)

# A job interrupted this many times (worker killed, e.g. out of memory) fails
# instead of killing the next worker too.
MAX_ATTEMPTS = 3
# A queued job not started after this long is queued again (lost message).
PENDING_REQUEUE_AFTER = timedelta(minutes=15)
# Publishing a job's message: a few quick tries, so a request never hangs on a
# dead broker (the job then waits for export_dispatch_unqueued).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
PART_DIR = "exports/tmp"
# Progress and the cancel flag go through Redis at most this often: two round
# trips every 500 rows were 7% of a 10,000-row CSV, whose rows all arrive
# within a tenth of a second.
PROGRESS_INTERVAL_S = 0.25


# The Celery name of ``reports.tasks.export_generate_task``.
EXPORT_GENERATE_TASK = "reports.export_generate"

_EXPORT_FINISHED = {"done": Action.EXPORT_COMPLETE, "failed": Action.EXPORT_FAIL}


def _export_details(job: ExportJob) -> dict:
    return {
        "format": job.format,
        "filtros": job.filters,
        "campos": job.fields,
        "status": job.status,
        "linhas": job.row_count,
    }


def _audit(action: str, *, job: ExportJob, user) -> None:
    """Record an export event; called inside the job's transaction (no export without it)."""
    audit_record(action=action, actor=user, target=job, details=_export_details(job))


def _audit_finished(*, job: ExportJob, user) -> None:
    """Record that the job ended: done, failed or cancelled (see ``job.status``)."""
    action = _EXPORT_FINISHED.get(job.status, Action.EXPORT_FAIL)
    details = {**_export_details(job), "erro": job.error[:500] if job.error else ""}
    audit_record(action=action, actor=user, target=job, details=details)


class ExportCancelled(Exception):
    """Raised inside generation when the owner cancelled the job."""


@dataclass(frozen=True)
class ExportRequest:
    job: ExportJob
    inline: bool  # small export: generate now and answer with the file


# --- Request ------------------------------------------------------------------


def _clean_filters(params: Mapping, ordering: str | None) -> dict:
    """Return the search parameters as a JSON-able dict of non-empty values."""
    getlist = getattr(params, "getlist", None)
    filters = {}
    for key in FILTER_NAMES:
        if key not in params:
            continue
        value = params.get(key) if getlist is None else getlist(key)[-1]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str | int | float):
            raise ValidationError({key: [_("Informe um único valor (texto ou número).")]})
        filters[key] = value
    if ordering:
        if not isinstance(ordering, str):
            raise ValidationError({"ordering": [_("Informe a ordenação como texto.")]})
        filters["ordering"] = ordering
    return filters


def _clean_fields(fields: Sequence[str] | None) -> list[str]:
    if not fields:
        return list(DEFAULT_FIELDS)
    if isinstance(fields, str) or not all(isinstance(f, str) for f in fields):
        raise ValidationError({"fields": [_("Informe os campos como uma lista de nomes.")]})
    unknown = [f for f in fields if f not in COLUMNS]
    if unknown:
        raise ValidationError(
            {
                "fields": [
                    _("Campos desconhecidos: %(fields)s. Disponíveis: %(available)s.")
                    % {"fields": ", ".join(unknown), "available": ", ".join(COLUMNS)}
                ]
            }
        )
    return list(dict.fromkeys(fields))  # keeps the user's order, drops repeats


def _format_count(value: int) -> str:
    return number_format(value, force_grouping=True)


def export_request(
    *,
    user,
    params: Mapping,
    fmt: str,
    fields: Sequence[str] | None = None,
    ordering: str | None = None,
    csv_dialect: str = CsvDialect.EXCEL,
) -> ExportRequest:
    """Create an export job of the search ``params``; queue it unless it is small.

    Raises ValidationError (pt-BR messages) for invalid parameters, unknown
    fields or formats, and for a search above the row limit (with its count),
    before any work starts; ``reports.limits.ExportRefused`` when the user
    already has the most exports in flight or the export files' disk is full.
    A broker that is down does not fail the request: the job stays pending
    until ``export_dispatch_unqueued`` can send it.
    """
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": [_("Formato inválido: use excel, pdf ou csv.")]})
    if csv_dialect not in CsvDialect.values:
        raise ValidationError({"csv_dialect": [_("Formato de CSV inválido.")]})
    filters = _clean_filters(params_with_saved(user=user, params=params), ordering)
    columns = _clean_fields(fields)
    count = cliente_search(user=user, params=filters).count()
    system = current_settings()
    if count > system.export_row_limit:
        raise ValidationError(
            _(
                "A pesquisa encontrou %(count)s clientes; o limite por exportação é "
                "%(limit)s. Refine os filtros e tente de novo."
            )
            % {"count": _format_count(count), "limit": _format_count(system.export_row_limit)},
            code="export_limit",
        )
    inline = count <= system.export_sync_row_limit
    ensure_disk_room(limit_bytes=system.export_disk_limit_mb * 1024 * 1024)
    with transaction.atomic():
        # One request at a time per user: two at once cannot both see room.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        check_pending_limit(user=user, limit=system.export_max_pending_per_user)
        job = ExportJob(
            owner=user,
            format=fmt,
            csv_dialect=csv_dialect,
            filters=filters,
            fields=columns,
            ordering=filters.get("ordering", ""),
            row_count=count,
        )
        job.full_clean()
        job.save()
        _audit(Action.EXPORT_REQUEST, job=job, user=user)
        if not inline:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return ExportRequest(job=job, inline=inline)


def _enqueue(job_id) -> bool:
    """Send the job to the workers; return False (logged) when the broker is down."""
    try:
        # By name: the task module imports this one (eager mode still runs it in-process).
        signature(EXPORT_GENERATE_TASK, args=(str(job_id),)).apply_async(
            retry_policy=PUBLISH_RETRY_POLICY
        )
    except (OperationalError, OSError) as exc:
        logger.warning("export %s not queued, broker unavailable: %s", job_id, exc)
        return False
    ExportJob.objects.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return True


def export_dispatch_unqueued() -> int:
    """Send the pending jobs the broker never accepted (it was down); return how many."""
    sent = 0
    unqueued = ExportJob.objects.filter(status=ExportStatus.PENDING, enqueued_at__isnull=True)
    for job_id in unqueued.order_by("created_at").values_list("pk", flat=True):
        if not _enqueue(job_id):
            break  # still down: the next run tries again
        sent += 1
    return sent


# --- Generation -----------------------------------------------------------------


def _lock_key(job_id) -> int:
    digest = hashlib.blake2b(str(job_id).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _generation_lock(job_id):
    """Hold the job's advisory lock for this connection's life; yield if we got it."""
    key = _lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _is_being_generated(job_id) -> bool:
    """Return True when another live session holds the job's generation lock."""
    key = _lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    return False


@contextmanager
def _snapshot():
    """Run the block in one read-only REPEATABLE READ transaction (a snapshot).

    On a read replica when one is usable (``common.replicas``): the whole
    export reads that one database.
    """
    with replicas.one_database() as alias:
        if connections[alias].in_atomic_block:
            # Already inside a transaction (tests, or a caller's atomic): the
            # isolation level can no longer change, and that transaction is the
            # snapshot.
            with transaction.atomic(using=alias):
                yield
            return
        with transaction.atomic(using=alias):
            with connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # Skip JIT compilation: it costs more than it saves on these
                # index-driven queries (+0.7 s on a 50,000-row export).
                cursor.execute("SET LOCAL jit = off")
            yield


def _part_path(job: ExportJob) -> Path:
    return Path(default_storage.path(f"{PART_DIR}/{job.pk}.{job.format}.part"))


def _final_name(job: ExportJob) -> str:
    return f"exports/{job.owner_id}/{job.pk}.{job.format}"


def download_filename(job: ExportJob) -> str:
    """Return e.g. ``clientes_2026-11-29_1432.xlsx`` (local time of the request)."""
    return f"clientes_{timezone.localtime(job.created_at):%Y-%m-%d_%H%M}.{job.format}"


def describe_filters(filters: Mapping) -> list[tuple[str, str]]:
    """Return (label, value) pairs of the filters, as people read them."""
    described = []
    for key, value in filters.items():
        spec = ClienteFilterSet.base_filters.get(key)
        if spec is None:
            continue
        if key == "ordering":
            names = value if isinstance(value, list) else str(value).split(",")
            shown = []
            for name in names:
                name = name.strip()
                field = COLUMNS.get(name.lstrip("-"))
                label = str(field.label) if field else name.lstrip("-")
                shown.append(label + (_(" (decrescente)") if name.startswith("-") else ""))
            described.append((str(spec.label), ", ".join(shown)))
            continue
        if key == "cpf" and len(only_digits(str(value))) == 11:
            value = mask_cpf(only_digits(str(value)))  # history and files never show a full CPF
        choices = dict(getattr(spec, "extra", {}).get("choices") or [])
        described.append((str(spec.label), str(choices.get(value, value))))
    return described


def _start(job_id) -> ExportJob | None:
    """Mark the job running (one more attempt); None when there is nothing to do."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").get(pk=job_id)
        if job.is_finished:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _fail_locked(job, _("A exportação foi interrompida repetidamente e foi abandonada."))
            return None
        job.status = ExportStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.progress = 0
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "progress", "error"])
    live.set_progress(job.pk, 0)
    return job


def _fail_locked(job: ExportJob, message: str) -> None:
    job.status = ExportStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    _audit_finished(job=job, user=job.owner)


def _fail(job_id, message: str) -> None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").get(pk=job_id)
        if not job.is_finished:
            _fail_locked(job, message)


def _write(job: ExportJob, part: Path) -> int:
    """Write the whole file to ``part`` from one snapshot; return the rows written."""
    limit = current_settings().export_row_limit
    # The count taken at the request sizes the progress bar; the snapshot
    # decides the rows (no second count: it costs as much as a scan).
    total = max(job.row_count, 1)
    with _snapshot():
        queryset = cliente_search(user=job.owner, params=job.filters)
        plan = row_plan(queryset=queryset, fields=job.fields, user=job.owner)
        meta = ExportMeta(
            title=_("Clientes"),
            generated_by=job.owner.get_full_name(),
            generated_at=timezone.localtime().replace(tzinfo=None),
            filters=describe_filters(job.filters),
            row_count=job.row_count,
        )

        published_at = float("-inf")

        def report(rows_done: int) -> None:
            if rows_done > limit:  # the search grew past the limit since the request
                raise ValidationError(
                    _(
                        "A pesquisa agora encontra mais de %(limit)s clientes, o limite "
                        "por exportação."
                    )
                    % {"limit": _format_count(limit)}
                )
            nonlocal published_at
            now = time.monotonic()
            if now - published_at < PROGRESS_INTERVAL_S:
                return
            published_at = now
            if live.cancel_requested(job.pk):
                raise ExportCancelled
            live.set_progress(job.pk, min(99, rows_done * 100 // total))

        try:
            return write_export(
                fmt=job.format,
                path=part,
                plan=plan,
                meta=meta,
                progress=report,
                csv_dialect=job.csv_dialect,
            )
        finally:
            # End the row stream while its transaction is still alive (a cancel
            # or an error would otherwise close it after the rollback).
            plan.close()


def _finish(job_id, part: Path, written: int) -> ExportJob:
    """Move the complete file into place and mark the job done (unless cancelled)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").get(pk=job_id)
        if job.status != ExportStatus.RUNNING:
            part.unlink(missing_ok=True)  # cancelled (or failed) meanwhile
            return job
        name = _final_name(job)
        final = Path(default_storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, final)  # atomic: the file appears complete or not at all
        now = timezone.now()
        job.file.name = name
        job.size = final.stat().st_size
        job.row_count = written
        job.status = ExportStatus.DONE
        job.progress = 100
        job.finished_at = now
        job.expires_at = now + timedelta(days=current_settings().export_retention_days)
        job.save(
            update_fields=[
                "file", "size", "row_count", "status", "progress", "finished_at", "expires_at"
            ]
        )  # fmt: skip
        _audit_finished(job=job, user=job.owner)
    live.forget(job.pk)
    return job


def _settle_cancelled(job_id) -> ExportJob:
    """Make sure a job stopped by its cancel flag reads "cancelled"."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if not job.is_finished:
            job.status = ExportStatus.CANCELLED
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "finished_at"])
    live.forget(job_id)
    return job


def export_generate(*, job_id) -> ExportJob | None:
    """Generate the job's file. Idempotent: safe to run again for the same job.

    Returns the job when this call finished it, None when there was nothing to
    do (already finished, or being generated by another live process).
    """
    with _generation_lock(job_id) as acquired:
        if not acquired:
            logger.info("export %s is being generated elsewhere; skipping", job_id)
            return None
        job = _start(job_id)
        if job is None:
            return None
        part = _part_path(job)
        part.parent.mkdir(parents=True, exist_ok=True)
        try:
            written = _write(job, part)
        except ExportCancelled:
            part.unlink(missing_ok=True)
            logger.info("export %s cancelled while generating", job_id)
            return _settle_cancelled(job_id)
        except ValidationError as exc:
            part.unlink(missing_ok=True)
            _fail(job_id, " ".join(exc.messages))
            return ExportJob.objects.get(pk=job_id)
        except Exception:
            part.unlink(missing_ok=True)
            logger.exception("export %s failed", job_id)
            _fail(job_id, _("Erro inesperado ao gerar o arquivo. Tente novamente."))
            return ExportJob.objects.get(pk=job_id)
        return _finish(job_id, part, written)


# --- Owner actions --------------------------------------------------------------


def export_cancel(*, user, job: ExportJob) -> ExportJob:
    """Cancel a queued or running export; raise ValidationError if it has finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            raise ValidationError(_("Esta exportação já terminou e não pode ser cancelada."))
        job.status = ExportStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        transaction.on_commit(lambda: live.request_cancel(job.pk))
        _audit_finished(job=job, user=user)
    return job


def export_record_download(*, user, job: ExportJob) -> None:
    """Record in the audit log that ``user`` downloaded the job's file."""
    _audit(Action.EXPORT_DOWNLOAD, job=job, user=user)


def export_progress(job: ExportJob) -> int:
    """Return the job's progress in percent, live while it runs."""
    if job.status == ExportStatus.RUNNING:
        live_value = live.get_progress(job.pk)
        if live_value is not None:
            return int(live_value)
    return 100 if job.status == ExportStatus.DONE else job.progress


# --- Housekeeping (beat) ---------------------------------------------------------


def export_expire(*, now=None) -> int:
    """Delete the files of expired exports (and stale partial files); return how many."""
    now = now or timezone.now()
    expired = 0
    for job_id in (
        ExportJob.objects.filter(expires_at__lte=now).exclude(file="").values_list("pk", flat=True)
    ):
        expire_job_file(job_id)
        expired += 1
    _delete_orphan_parts(now)
    return expired


def _delete_orphan_parts(now) -> None:
    """Remove ``.part`` files no live generation owns (left by killed workers)."""
    part_dir = Path(default_storage.path(PART_DIR))
    if not part_dir.is_dir():
        return
    cutoff = (now - timedelta(hours=1)).timestamp()
    for part in part_dir.glob("*.part"):
        if part.stat().st_mtime < cutoff:
            part.unlink(missing_ok=True)


def export_recover_stale(*, now=None) -> dict[str, int]:
    """Re-queue jobs whose worker died (or whose message was lost); fail hopeless ones.

    A running job nobody holds the lock of was abandoned by a dead worker.
    """
    now = now or timezone.now()
    requeued = failed = 0
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING):
        if _is_being_generated(job.pk):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job.pk, _("A exportação foi interrompida repetidamente e foi abandonada."))
            failed += 1
        elif _enqueue(job.pk):
            requeued += 1
    # Sent long ago and never started: the message was lost. (Never sent at
    # all: export_dispatch_unqueued's business.)
    stale_pending = ExportJob.objects.filter(
        status=ExportStatus.PENDING,
        enqueued_at__isnull=False,
        created_at__lte=now - PENDING_REQUEUE_AFTER,
    )
    for job in stale_pending:
        if not _is_being_generated(job.pk) and _enqueue(job.pk):
            requeued += 1
    return {"requeued": requeued, "failed": failed}


def export_generate_inline(*, job: ExportJob) -> ExportJob:
    """Generate a small export in this process (the request waits for it)."""
    return export_generate(job_id=job.pk) or ExportJob.objects.get(pk=job.pk)
