"""Deactivate or reactivate every client a search matches, safely.

Three steps, each a service:

1. ``bulk_prepare`` runs the search (the one selector path, ``saved`` accepted)
   and stores a snapshot: the ids of the clients the action would change and
   the version of each. The user confirms that exact number.
2. ``bulk_confirm`` applies it now (up to ``bulk_sync_row_limit`` clients, one
   transaction) or queues a Celery job (``clientes.tasks.bulk_run_task``).
3. ``bulk_run`` applies the snapshot in batches of ``BATCH_SIZE``. Each batch is
   one UPDATE of rows whose version is still the one counted: a client someone
   changed after the snapshot is skipped and listed, never overwritten (the
   optimistic lock of ``clientes.services``). Each batch commits with the job's
   progress, so a cancel or a killed worker leaves every client either changed
   or not, and a redelivered task resumes where the last batch ended.

The cache of every changed client is invalidated once, after its batch
commits. One audit event records the whole action (count and ids) when it
ends, done or cancelled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial, wraps

from celery import signature
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.system_settings import current_settings
from audit.choices import Action
from audit.services import audit_record
from clientes.cache import invalidate_on_commit
from clientes.masking import CpfUse, cpf_for
from clientes.models import BulkAction, BulkActionType, BulkStatus, Cliente
from clientes.saved_searches import SAVED_PARAM, clean_criteria, params_with_saved
from clientes.selectors import cliente_search
from common import replicas

logger = logging.getLogger(__name__)
# The Celery name of ``clientes.tasks.bulk_run_task``.
BULK_RUN_TASK = "clientes.tasks.bulk_run"

BULK_PERMISSION = "clientes.add_bulkaction"
BATCH_SIZE = 500  # rows locked per transaction: a concurrent edit waits for one batch at most
SAMPLE_SIZE = 10
MOTIVO_MAX = BulkAction._meta.get_field("motivo").max_length
_AUDIT_ACTIONS = {
    BulkActionType.DEACTIVATE: Action.CLIENTE_BULK_DEACTIVATE,
    BulkActionType.REACTIVATE: Action.CLIENTE_BULK_REACTIVATE,
}

# One statement per batch: change the rows still at the version counted and
# still in the state the action changes; the others are skipped.
_APPLY_SQL = """
    UPDATE clientes AS c
       SET ativo = %(ativo)s,
           motivo_inativacao = %(motivo)s,
           updated_by_id = %(actor)s,
           updated_at = %(now)s,
           versao = c.versao + 1
      FROM unnest(%(ids)s::bigint[], %(versoes)s::integer[]) AS s(id, versao)
     WHERE c.id_cliente = s.id AND c.versao = s.versao AND c.ativo = %(was)s
 RETURNING c.id_cliente, c.cpf
"""
_PROGRESS_SQL = """
    UPDATE {table}
       SET processed = processed + %(n)s,
           changed_ids = changed_ids || %(changed)s::bigint[],
           skipped_ids = skipped_ids || %(skipped)s::bigint[]
     WHERE id = %(job)s
"""


def _on_primary(service):
    """Run ``service`` reading the primary: a job's state and snapshot never come from a
    replica that has not replayed the latest batch (``common.replicas``)."""

    @wraps(service)
    def run(*args, **kwargs):
        with replicas.reading_from("primary"):
            return service(*args, **kwargs)

    return run


@dataclass(frozen=True)
class BatchStats:
    """What one batch did and how long its transaction (its row locks) lasted."""

    size: int
    changed: int
    skipped: int
    seconds: float


def may_run_bulk(user) -> bool:
    """Return True when ``user`` may act on every client of a search.

    Gerente and Administrador hold the permission; Analistas may when an
    administrator allowed it in Configurações.
    """
    if user.has_perm(BULK_PERMISSION):
        return True
    return current_settings().bulk_analista_allowed and user.has_perm("clientes.change_cliente")


def may_see(user, job: BulkAction) -> bool:
    return job.owner_id == user.pk or user.has_perm("clientes.view_bulkaction")


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _clean_motivo(action: str, motivo) -> str:
    motivo = motivo.strip() if isinstance(motivo, str) else ""
    if action == BulkActionType.DEACTIVATE and not motivo:
        raise ValidationError(
            {
                "motivo": [
                    ValidationError(_("Informe o motivo da inativação."), code="motivo_obrigatorio")
                ]
            }
        )
    if len(motivo) > MOTIVO_MAX:
        raise ValidationError(
            {"motivo": [_("Use no máximo %(max)d caracteres.") % {"max": MOTIVO_MAX}]}
        )
    return motivo if action == BulkActionType.DEACTIVATE else ""


@_on_primary
def bulk_prepare(*, user, action: str, params: Mapping, motivo: str = "") -> BulkAction:
    """Snapshot the clients ``action`` would change in the search ``params``.

    Returns the job awaiting confirmation (status DRAFT) with the ids and
    versions counted now. Raises ``PermissionDenied``, or ``ValidationError``
    (pt-BR) for an unknown action, a missing reason, invalid criteria, a
    search without criteria, nobody to change, or more clients than the limit.
    """
    if not may_run_bulk(user):
        raise PermissionDenied
    if action not in BulkActionType.values:
        raise ValidationError({"action": [_("Ação inválida: use deactivate ou reactivate.")]})
    motivo = _clean_motivo(action, motivo)
    saved_id = params.get(SAVED_PARAM)
    criteria = clean_criteria(params_with_saved(user=user, params=params))
    # Only the clients the action changes count (deactivating inactive ones is no change).
    matches = cliente_search(user=user, params=criteria).filter(
        ativo=action == BulkActionType.DEACTIVATE
    )
    limit = current_settings().bulk_row_limit
    rows = list(matches.order_by("pk").values_list("pk", "versao")[: limit + 1])
    if len(rows) > limit:
        raise ValidationError(
            _(
                "A pesquisa tem mais de %(limit)s clientes a alterar; o limite por ação é "
                "%(limit)s. Refine os filtros e tente de novo."
            )
            % {"limit": _count(limit)},
            code="bulk_limit",
        )
    if not rows:
        message = (
            _("Nenhum cliente ativo nesta pesquisa: não há quem inativar.")
            if action == BulkActionType.DEACTIVATE
            else _("Nenhum cliente inativo nesta pesquisa: não há quem reativar.")
        )
        raise ValidationError(message, code="bulk_empty")
    job = BulkAction(
        owner=user,
        action=action,
        motivo=motivo,
        filters=criteria,
        saved_search_id=int(saved_id) if saved_id not in (None, "") else None,
        ids=[pk for pk, _versao in rows],
        versoes=[versao for _pk, versao in rows],
    )
    job.save()
    return job


def bulk_sample(*, user, job: BulkAction, size: int = SAMPLE_SIZE) -> list[dict]:
    """Return the first ``size`` clients of the snapshot as the confirmation shows them."""
    rows = Cliente.objects.filter(pk__in=job.ids[:size]).order_by("pk")
    return [
        {
            "id_cliente": row["id_cliente"],
            "cpf": cpf_for(user, row["cpf"], CpfUse.LIST),
            "nome_completo": row["nome_completo"],
            "ativo": row["ativo"],
        }
        for row in rows.values("id_cliente", "cpf", "nome_completo", "ativo")
    ]


@_on_primary
def bulk_confirm(*, user, job: BulkAction) -> BulkAction:
    """Apply the confirmed snapshot: now when small, else through a Celery job.

    Returns the job, finished when it ran now (``status`` DONE), PENDING when
    queued. Raises ``PermissionDenied`` or ``ValidationError`` (already
    confirmed or cancelled).
    """
    if job.owner_id != user.pk or not may_run_bulk(user):
        raise PermissionDenied
    inline = job.total <= current_settings().bulk_sync_row_limit
    with transaction.atomic():
        locked = BulkAction.objects.select_for_update().only("status").get(pk=job.pk)
        if locked.status != BulkStatus.DRAFT:
            raise ValidationError(
                _("Esta ação já foi confirmada ou cancelada."), code="bulk_not_draft"
            )
        BulkAction.objects.filter(pk=job.pk).update(status=BulkStatus.PENDING)
        if not inline:
            transaction.on_commit(lambda: _enqueue(job.pk))
    if inline:
        # One transaction: a small action is all or nothing, like a single edit.
        try:
            with transaction.atomic():
                bulk_run(job_id=job.pk)
        except Exception:
            bulk_fail(job_id=job.pk, message=_("A ação foi interrompida por um erro interno."))
            raise
    job.refresh_from_db()
    return job


def _enqueue(job_id) -> None:
    # By name: the task module imports this one (eager mode still runs it in-process).
    signature(BULK_RUN_TASK, args=(str(job_id),)).delay()


@_on_primary
def bulk_cancel(*, user, job: BulkAction) -> BulkAction:
    """Stop ``job`` after its current batch (or drop it before confirmation).

    Raises ``PermissionDenied`` or ``ValidationError`` when it already ended.
    """
    if job.owner_id != user.pk and not user.has_perm("clientes.change_bulkaction"):
        raise PermissionDenied
    with transaction.atomic():
        locked = BulkAction.objects.select_for_update().only("status").get(pk=job.pk)
        if locked.is_finished:
            raise ValidationError(_("Esta ação já terminou."), code="bulk_finished")
        if locked.status == BulkStatus.DRAFT:
            # Never confirmed: nothing changed, nothing to audit.
            BulkAction.objects.filter(pk=job.pk).update(
                status=BulkStatus.CANCELLED, finished_at=timezone.now()
            )
        else:
            BulkAction.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return job


@_on_primary
def bulk_run(*, job_id, on_batch: Callable[[BatchStats], None] | None = None) -> BulkAction | None:
    """Apply the snapshot of a confirmed job, batch by batch, then record it.

    Idempotent: a finished job is left alone and a partly applied one resumes
    after its last committed batch. ``on_batch`` (benchmarks) receives each
    batch's ``BatchStats``. Returns the job, or None when there was nothing to do.
    """
    job = BulkAction.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished or job.status == BulkStatus.DRAFT:
        return None
    BulkAction.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    BulkAction.objects.filter(pk=job.pk, status=BulkStatus.PENDING).update(
        status=BulkStatus.RUNNING
    )
    while True:
        began, committed = time.monotonic(), []
        with transaction.atomic():
            # First of the commit callbacks: the moment the row locks are released.
            transaction.on_commit(partial(_note_time, committed))
            state = (
                BulkAction.objects.select_for_update()
                .only("status", "processed", "cancel_requested")
                .get(pk=job.pk)
            )
            if state.is_finished:
                return None  # another run of the same job finished it
            if state.cancel_requested or state.processed >= job.total:
                return _finish(job, cancelled=state.processed < job.total)
            size, changed = _apply_batch(job, state.processed)
        if on_batch is not None:
            # Row locks live from the UPDATE to the commit, not through the cache
            # invalidation (no commit here when a caller's transaction wraps the run).
            seconds = (committed[0] if committed else time.monotonic()) - began
            on_batch(
                BatchStats(size=size, changed=changed, skipped=size - changed, seconds=seconds)
            )


def _note_time(times: list[float]) -> None:
    times.append(time.monotonic())


def _apply_batch(job: BulkAction, start: int) -> tuple[int, int]:
    """Change one batch of the snapshot from ``start`` (in the caller's transaction).

    Returns how many clients the batch held and how many it changed.
    """
    ids = job.ids[start : start + BATCH_SIZE]
    deactivate = job.action == BulkActionType.DEACTIVATE
    with connection.cursor() as cursor:
        cursor.execute(
            _APPLY_SQL,
            {
                "ativo": not deactivate,
                "was": deactivate,
                "motivo": job.motivo if deactivate else "",
                "actor": job.owner_id,
                "now": timezone.now(),
                "ids": ids,
                "versoes": job.versoes[start : start + BATCH_SIZE],
            },
        )
        changed = dict(cursor.fetchall())
        skipped = [pk for pk in ids if pk not in changed]
        cursor.execute(
            _PROGRESS_SQL.format(table=connection.ops.quote_name(BulkAction._meta.db_table)),
            {"n": len(ids), "changed": list(changed), "skipped": skipped, "job": job.pk},
        )
    # The UPDATE bypasses model signals: invalidate these clients ourselves.
    invalidate_on_commit(ids=changed.keys(), cpfs=changed.values())
    return len(ids), len(changed)


def _finish(job: BulkAction, *, cancelled: bool, error: str = "") -> BulkAction:
    """Close the job and record its one audit event (in the caller's transaction)."""
    final = BulkAction.objects.select_related("owner").get(pk=job.pk)
    if error:
        final.status = BulkStatus.FAILED
    else:
        final.status = BulkStatus.CANCELLED if cancelled else BulkStatus.DONE
    final.error = error
    final.finished_at = timezone.now()
    final.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        action=_AUDIT_ACTIONS[final.action],
        actor=final.owner,
        target=("clientes.bulkaction", final.pk, final.get_action_display()),
        details={
            "count": len(final.changed_ids),
            "ids": final.changed_ids,
            "ignorados": final.skipped_ids,
            "total": final.total,
            "situacao": final.status,
            "motivo": final.motivo,
            "filtros": final.filters,
        },
    )
    logger.info(
        "bulk %s %s: %s changed, %s skipped of %s (%s)",
        final.action,
        final.pk,
        len(final.changed_ids),
        len(final.skipped_ids),
        final.total,
        final.status,
    )
    return final


@_on_primary
def bulk_fail(*, job_id, message: str) -> None:
    """Mark a job that raised as failed, recording what its committed batches changed."""
    with transaction.atomic():
        job = BulkAction.objects.select_for_update().filter(pk=job_id).first()
        if job is not None and not job.is_finished and job.status != BulkStatus.DRAFT:
            _finish(job, cancelled=False, error=message)
