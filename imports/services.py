"""Imports of clients from a spreadsheet: request, run, cancel, apply a dry run, undo.

1. ``import_request`` stores the file, checks its bounds and header, and runs
   the import now (up to ``SYNC_ROW_LIMIT`` rows) or queues a Celery job.
2. ``import_run`` reads the whole file once to check every bound (a hostile
   file fails before anything is written), then processes it in batches of
   ``BATCH_SIZE`` rows. Each batch is one transaction: the rows' verdicts,
   their writes (unless ``dry_run``) and the job's progress commit together,
   so a cancel or a killed worker leaves every row applied or not, and a
   redelivered task resumes after the last committed batch.
3. One audit event records the whole import (counts and ids) when it ends.

``import_undo`` (``imports.undo``) reverts an applied import.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from functools import partial
from pathlib import Path, PurePath

from celery import signature
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.system_settings import current_settings
from audit.choices import Action
from audit.services import audit_record
from common import replicas
from imports import reader
from imports.bulk_sql import insert_rows
from imports.columns import applied_mapping, auto_mapping, resolve_mapping
from imports.models import ImportJob, ImportRow, ImportStatus, OnConflict, Verdict
from imports.planner import RowPlan, load_states, plan_row
from imports.rows import parse_row
from imports.writer import apply_plans

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "imports.add_importjob"
SYNC_ROW_LIMIT = 2_000  # more rows than this run in the background
BATCH_SIZE = 1_000
FIRST_ERRORS = 20
# The Celery name of ``imports.tasks.import_run_task`` (tasks import this module).
IMPORT_RUN_TASK = "imports.import_run"


def may_import(user) -> bool:
    """Return True when ``user`` may import clients.

    Gerente and Administrador hold the permission; Analistas may when an
    administrator allowed it in Configurações.
    """
    if not user.is_authenticated:
        return False
    if user.has_perm(IMPORT_PERMISSION):
        return True
    return current_settings().import_analista_allowed and user.has_perm("clientes.add_cliente")


def may_see(user, job: ImportJob) -> bool:
    return job.owner_id == user.pk or user.has_perm("imports.view_all_importjob")


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def _clean_name(name: str) -> str:
    return PurePath(name or "arquivo").name[-200:] or "arquivo"


def import_request(
    *,
    user,
    upload,
    dry_run: bool = True,
    on_conflict: str = OnConflict.SKIP,
    mapping: Mapping | None = None,
) -> ImportJob:
    """Store ``upload`` and import it (or only check it, ``dry_run``): the API's one step.

    Returns the job: finished when the file was small enough to run now,
    PENDING when queued. Raises ``PermissionDenied``, or ``ValidationError``
    (pt-BR, keyed by ``file``, ``mapping`` or ``on_conflict``) for a file
    that cannot be imported at all; then nothing is kept.
    """
    job = import_upload(user=user, upload=upload, dry_run=dry_run, on_conflict=on_conflict)
    try:
        return import_start(user=user, job=job, mapping=mapping)
    except ValidationError:
        job.file.delete(save=False)
        job.delete()
        raise


def import_upload(
    *, user, upload, dry_run: bool = True, on_conflict: str = OnConflict.SKIP
) -> ImportJob:
    """Store ``upload`` as a DRAFT job once its kind, bounds and header are checked.

    The screen then asks for the mapping (``import_start``). Raises
    ``PermissionDenied`` or ``ValidationError`` (nothing kept).
    """
    if not may_import(user):
        raise PermissionDenied
    if on_conflict not in OnConflict.values:
        raise ValidationError({"on_conflict": [_("Use skip, update ou fill_blanks.")]})
    if upload.size is not None and upload.size > reader.max_file_bytes():
        raise _refused(reader.too_big_message(), "arquivo_grande")
    job = ImportJob(
        owner=user,
        file_name=_clean_name(upload.name),
        dry_run=dry_run,
        on_conflict=on_conflict,
        status=ImportStatus.DRAFT,
    )
    job.file.save(f"{uuid.uuid4().hex}.upload", upload, save=False)
    try:
        _check_file(job)
    except ValidationError:
        job.file.delete(save=False)
        raise
    job.save()
    return job


def _check_file(job: ImportJob) -> None:
    """Check the file's kind, bounds and header; guess the mapping; count rows up to the limit."""
    path = Path(job.file.path)
    try:
        job.file_kind = reader.detect_kind(path)
        with reader.open_sheet(path) as sheet:
            job.mapping = auto_mapping(sheet.header)
            total = 0
            for _row in sheet.rows:
                total += 1
                if total > SYNC_ROW_LIMIT:
                    break
    except reader.FileRefused as exc:
        raise _refused(exc.message, exc.code) from exc
    if total == 0:
        raise _refused(_("O arquivo não tem linhas de clientes (só o cabeçalho)."), "arquivo_vazio")
    job.total = total


def import_start(*, user, job: ImportJob, mapping: Mapping | None = None) -> ImportJob:
    """Run a DRAFT job with ``mapping`` (headers left out are mapped automatically).

    Runs now up to ``SYNC_ROW_LIMIT`` rows, else queues it. Raises
    ``PermissionDenied`` or ``ValidationError`` (a bad mapping: keyed ``mapping``).
    """
    if job.owner_id != user.pk or not may_import(user):
        raise PermissionDenied
    if job.status != ImportStatus.DRAFT:
        raise ValidationError(_("Esta importação já foi iniciada."), code="import_started")
    header = header_of(job)
    try:
        columns = resolve_mapping(header, mapping if mapping is not None else job.mapping)
    except ValueError as exc:
        raise ValidationError(
            {"mapping": [ValidationError(str(exc), code="mapeamento_invalido")]}
        ) from exc
    job.mapping = applied_mapping(header, columns)
    job.status = ImportStatus.PENDING
    return _launch(job)


def _launch(job: ImportJob) -> ImportJob:
    """Save the PENDING job and run it now (small file) or queue it."""
    inline = job.total <= SYNC_ROW_LIMIT
    with transaction.atomic():
        job.save()
        if not inline:
            transaction.on_commit(lambda: _enqueue(job.pk))
    if inline:
        _run_inline(job)
    job.refresh_from_db()
    return job


def header_of(job: ImportJob) -> list[str]:
    """Return the column titles of the job's file (for the mapping screen)."""
    try:
        with reader.open_sheet(Path(job.file.path)) as sheet:
            return sheet.header
    except reader.FileRefused as exc:
        raise _refused(exc.message, exc.code) from exc


def import_apply(*, user, source: ImportJob, on_conflict: str | None = None) -> ImportJob:
    """Apply a finished dry run: a new import of the same file and mapping.

    Raises ``PermissionDenied`` or ``ValidationError`` (not a finished dry run).
    """
    if source.owner_id != user.pk or not may_import(user):
        raise PermissionDenied
    if not source.dry_run or source.status != ImportStatus.DONE:
        raise ValidationError(
            _("Só uma simulação concluída pode ser aplicada."), code="import_not_dry_run"
        )
    if source.applications.exists():
        raise ValidationError(
            _("Esta simulação já foi aplicada. Para importar de novo, envie o arquivo outra vez."),
            code="import_applied",
        )
    on_conflict = on_conflict or source.on_conflict
    if on_conflict not in OnConflict.values:
        raise ValidationError({"on_conflict": [_("Use skip, update ou fill_blanks.")]})
    job = ImportJob(
        owner=user,
        file=source.file.name,
        file_name=source.file_name,
        file_kind=source.file_kind,
        dry_run=False,
        on_conflict=on_conflict,
        mapping=source.mapping,
        source=source,
        total=source.total,
    )
    return _launch(job)


def _run_inline(job: ImportJob) -> None:
    try:
        import_run(job_id=job.pk)
    except Exception:
        logger.exception("import %s failed", job.pk)
        import_fail(job_id=job.pk, message=_("A importação foi interrompida por um erro interno."))
        raise


def _enqueue(job_id) -> None:
    signature(IMPORT_RUN_TASK, args=(str(job_id),)).delay()


def import_cancel(*, user, job: ImportJob) -> ImportJob:
    """Stop ``job`` after its current batch. Raises ``ValidationError`` when it ended."""
    if job.owner_id != user.pk and not user.has_perm("imports.change_importjob"):
        raise PermissionDenied
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().only("status").get(pk=job.pk)
        if locked.is_finished:
            raise ValidationError(_("Esta importação já terminou."), code="import_finished")
        if locked.status == ImportStatus.DRAFT:  # never started: nothing to stop
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.CANCELLED, finished_at=timezone.now()
            )
        else:
            ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def import_run(*, job_id) -> ImportJob | None:
    """Run a queued import: check the whole file, then process it batch by batch.

    Idempotent: a finished job is left alone, a partly processed one resumes
    after its last committed batch. Returns the job, or None when there was
    nothing to do.
    """
    with replicas.reading_from("primary"):
        return _run(job_id)


def _run(job_id) -> ImportJob | None:
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished or job.status == ImportStatus.DRAFT:
        return None
    ImportJob.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    path = Path(job.file.path)
    try:
        total = reader.count_rows(path)  # every bound, before any write
        with reader.open_sheet(path) as sheet:
            columns = resolve_mapping(sheet.header, job.mapping)
            ImportJob.objects.filter(pk=job.pk).update(total=total)
            seen: dict[str, int] = {}
            batch = []
            for index, (number, cells) in enumerate(sheet.rows):
                row = parse_row(number, cells, columns)
                if index < job.processed:  # committed by an earlier run of this job
                    if row.cpf and not row.errors:
                        seen.setdefault(row.cpf, number)
                    continue
                batch.append(row)
                if len(batch) == BATCH_SIZE:
                    if not _process_batch(job, batch, seen):
                        return _finish(job, cancelled=True)
                    batch = []
            if batch and not _process_batch(job, batch, seen):
                return _finish(job, cancelled=True)
    except (reader.FileRefused, ValueError) as exc:
        message = exc.message if isinstance(exc, reader.FileRefused) else str(exc)
        return _finish(job, cancelled=False, error=message)
    return _finish(job, cancelled=False)


def _process_batch(job: ImportJob, rows: list, seen: dict[str, int]) -> bool:
    """Plan (and unless a dry run, write) one batch; return False when cancelled."""
    with transaction.atomic():
        state = (
            ImportJob.objects.select_for_update()
            .only("status", "cancel_requested", "processed")
            .get(pk=job.pk)
        )
        if state.cancel_requested or state.is_finished:
            return False
        states = load_states({row.cpf for row in rows if row.cpf}, lock=not job.dry_run)
        plans = [plan_row(row, states.get(row.cpf), job.on_conflict, seen) for row in rows]
        if not job.dry_run:
            apply_plans(actor_id=job.owner_id, plans=plans)
        insert_rows(ImportRow, [_record(job, plan) for plan in plans])
        counts = dict.fromkeys(Verdict.values, 0)
        for plan in plans:
            counts[plan.verdict] += 1
        ImportJob.objects.filter(pk=job.pk).update(
            processed=F("processed") + len(rows),
            created=F("created") + counts[Verdict.CREATE],
            updated=F("updated") + counts[Verdict.UPDATE],
            unchanged=F("unchanged") + counts[Verdict.UNCHANGED],
            invalid=F("invalid") + counts[Verdict.INVALID],
        )
    return True


def _record(job: ImportJob, plan: RowPlan) -> dict:
    return {
        "job_id": job.pk,
        "linha": plan.row.linha,
        "verdict": plan.verdict,
        "id_cliente": plan.id_cliente,
        "reasons": plan.reasons,
        "versao": plan.versao,
        "before": plan.before,
    }


def _finish(job: ImportJob, *, cancelled: bool, error: str = "") -> ImportJob:
    """Close the job and record its one audit event."""
    with transaction.atomic():
        final = ImportJob.objects.select_for_update().select_related("owner").get(pk=job.pk)
        if final.is_finished:
            return final
        if error:
            final.status = ImportStatus.FAILED
        else:
            final.status = ImportStatus.CANCELLED if cancelled else ImportStatus.DONE
        final.error = error
        final.finished_at = timezone.now()
        final.save(update_fields=["status", "error", "finished_at"])
        if not final.dry_run:
            # The spreadsheet holds personal data and is not needed once
            # applied (undo works from the rows): it goes after the commit.
            transaction.on_commit(partial(_delete_file, final.file.name))
        ids = dict(
            ImportRow.objects.filter(
                job=final, verdict__in=(Verdict.CREATE, Verdict.UPDATE)
            ).values_list("id_cliente", "verdict")
        )
        audit_record(
            action=Action.CLIENTE_IMPORT_DRY_RUN if final.dry_run else Action.CLIENTE_IMPORT,
            actor=final.owner,
            target=("imports.importjob", final.pk, final.file_name),
            details={
                "arquivo": final.file_name,
                "simulacao": final.dry_run,
                "on_conflict": final.on_conflict,
                "situacao": final.status,
                "linhas": final.processed,
                "created": final.created,
                "updated": final.updated,
                "unchanged": final.unchanged,
                "invalid": final.invalid,
                # A dry run writes nothing: its would-be ids are not recorded.
                "ids_criados": []
                if final.dry_run
                else [pk for pk, v in ids.items() if v == Verdict.CREATE],
                "ids_atualizados": []
                if final.dry_run
                else [pk for pk, v in ids.items() if v == Verdict.UPDATE],
                "erro": error,
            },
        )
    logger.info(
        "import %s (%s): %s created, %s updated, %s unchanged, %s invalid (%s)",
        final.pk,
        "dry run" if final.dry_run else "apply",
        final.created,
        final.updated,
        final.unchanged,
        final.invalid,
        final.status,
    )
    return final


def _delete_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


def import_fail(*, job_id, message: str) -> None:
    """Mark a job that raised as failed, recording what its committed batches did."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        _finish(job, cancelled=False, error=message)


def first_errors(job: ImportJob, limit: int = FIRST_ERRORS) -> list[dict]:
    """Return the first invalid rows: row number and reasons."""
    rows = job.rows.filter(verdict=Verdict.INVALID).order_by("linha")[:limit]
    return [{"linha": row.linha, "motivos": row.reasons} for row in rows]
