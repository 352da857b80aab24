"""Undo an applied import: delete the clients it created, restore the ones it updated.

A client someone changed after the import (its version is no longer the one
the import left) is never touched: undoing it would throw their change away.
Those are refused and listed on the job. Batches of ``BATCH_SIZE`` rows each
commit with their cache invalidation; one audit event records the undo.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.choices import Action
from audit.services import audit_record
from clientes.cache import invalidate_on_commit
from clientes.models import Cliente, Endereco, Telefone
from imports.models import ImportJob, ImportRow, ImportStatus, Verdict
from imports.services import may_import

BATCH_SIZE = 1_000
UNDOABLE = (ImportStatus.DONE, ImportStatus.CANCELLED)


def import_undo(*, user, job: ImportJob) -> ImportJob:
    """Revert ``job``; return it with ``undo_refused_ids`` listing the clients left alone.

    Raises ``PermissionDenied``, or ``ValidationError`` for a dry run, a job
    still running or one already undone.
    """
    if not may_import(user) or (
        job.owner_id != user.pk and not user.has_perm("imports.change_importjob")
    ):
        raise PermissionDenied
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.dry_run:
            raise ValidationError(
                _("Uma simulação não alterou nada: não há o que desfazer."), code="import_dry_run"
            )
        if locked.status == ImportStatus.UNDONE:
            raise ValidationError(_("Esta importação já foi desfeita."), code="import_undone")
        if locked.status not in UNDOABLE:
            raise ValidationError(
                _("A importação ainda está em andamento: cancele-a ou aguarde o fim."),
                code="import_running",
            )
        # Marked first: a second undo (double click) is refused while this one runs.
        locked.status = ImportStatus.UNDONE
        locked.undone_at = timezone.now()
        locked.save(update_fields=["status", "undone_at"])
    deleted, restored, refused = [], [], []
    rows = job.rows.filter(verdict__in=(Verdict.CREATE, Verdict.UPDATE)).order_by("linha")
    last = 0
    while True:
        batch = list(rows.filter(linha__gt=last)[:BATCH_SIZE])
        if not batch:
            break
        last = batch[-1].linha
        with transaction.atomic():
            _undo_batch(user, batch, deleted, restored, refused)
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(undo_refused_ids=refused)
        audit_record(
            action=Action.CLIENTE_IMPORT_UNDO,
            actor=user,
            target=("imports.importjob", job.pk, job.file_name),
            details={
                "arquivo": job.file_name,
                "excluidos": deleted,
                "restaurados": restored,
                "recusados": refused,
            },
        )
    job.refresh_from_db()
    return job


def _undo_batch(user, batch: list[ImportRow], deleted, restored, refused) -> None:
    versions = dict(
        Cliente.objects.select_for_update()
        .filter(pk__in=[row.id_cliente for row in batch])
        .values_list("pk", "versao")
    )
    to_delete, touched = [], []
    for row in batch:
        current = versions.get(row.id_cliente)
        if current is None:
            continue  # deleted since: nothing to undo
        if current != row.versao:
            refused.append(row.id_cliente)
        elif row.verdict == Verdict.CREATE:
            to_delete.append(row.id_cliente)
        else:
            _restore(user, row)
            restored.append(row.id_cliente)
            touched.append(row.id_cliente)
    if to_delete:
        # Anything else that now points at the client (an LGPD consent or legal
        # hold, a merge) is a change made since the import: keep the client.
        linked = _linked(to_delete)
        refused.extend(pk for pk in to_delete if pk in linked)
        to_delete = [pk for pk in to_delete if pk not in linked]
    if to_delete:
        cpfs = list(Cliente.objects.filter(pk__in=to_delete).values_list("cpf", flat=True))
        # Raw deletes: the collector would load every row and send a signal
        # (and queue a cache invalidation) per row; one invalidation follows.
        with connection.cursor() as cursor:
            for model, column in ((Telefone, "cliente_id"), (Endereco, "cliente_id"),
                                  (Cliente, "id_cliente")):  # fmt: skip
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [to_delete])
        deleted.extend(to_delete)
        invalidate_on_commit(ids=to_delete, cpfs=cpfs)
    if touched:
        invalidate_on_commit(ids=touched)


def _linked(ids: list[int]) -> set[int]:
    """Return the clients of ``ids`` that rows of other tables (not addresses, phones) point at."""
    linked: set[int] = set()
    for relation in Cliente._meta.related_objects:
        if relation.related_model in (Endereco, Telefone) or relation.many_to_many:
            continue
        field = relation.field.attname
        linked.update(
            relation.related_model._base_manager.filter(**{f"{field}__in": ids})
            .values_list(field, flat=True)
            .distinct()
        )
    return linked


def _restore(user, row: ImportRow) -> None:
    before = row.before or {}
    Cliente.objects.filter(pk=row.id_cliente).update(
        **before.get("cliente", {}),
        versao=F("versao") + 1,
        updated_by=user,
        updated_at=timezone.now(),
    )
    endereco = before.get("endereco")
    if endereco:
        fields = {name: value for name, value in endereco.items() if name != "id"}
        Endereco.objects.filter(pk=endereco["id"]).update(**fields)
    if before.get("endereco_criado"):
        Endereco.objects.filter(pk=before["endereco_criado"]).delete()
    for phone in before.get("telefones", []):
        Telefone.objects.filter(pk=phone["id"]).update(numero=phone["numero"])
    if before.get("telefones_criados"):
        Telefone.objects.filter(pk__in=before["telefones_criados"]).delete()
