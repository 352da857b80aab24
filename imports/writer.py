"""Write a batch of planned rows to the registry, each row all or nothing.

New clients of a batch are inserted together (three INSERTs: clients,
addresses, phones) inside a savepoint; if that fails (a CPF registered by
someone else meanwhile), the batch's new clients are retried one savepoint
per row, so a bad row never takes good ones with it. Updates run one
savepoint per row, guarded by the version the planner read (the rows are
locked by ``load_states``). Each updated row keeps the values it replaced,
for undo.

These are bulk writes: no model signals fire, so the cache of every touched
client is invalidated here, after the batch commits, and the batch's
``client.created``/``client.updated`` webhook events are recorded at once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clientes import signals
from clientes.cache import invalidate_on_commit
from clientes.models import Cliente, Endereco, Telefone
from imports.bulk_sql import insert_rows
from imports.models import Verdict
from imports.planner import RowPlan, json_value


def _race_message() -> str:
    return _("CPF: Já existe um cliente com este CPF (cadastrado durante a importação).")


class _Changed(Exception):
    """The client's version moved since the planner read it."""


def apply_plans(*, actor_id: int, plans: list[RowPlan]) -> None:
    """Write the creates and updates of ``plans`` (in the caller's transaction)."""
    creates = [plan for plan in plans if plan.verdict == Verdict.CREATE]
    try:
        with transaction.atomic():
            _create(actor_id, creates)
    except IntegrityError:
        for plan in creates:
            plan.id_cliente = None
            try:
                with transaction.atomic():
                    _create(actor_id, [plan])
            except IntegrityError:
                plan.id_cliente = None
                plan.refuse(_race_message())
    now = timezone.now()
    for plan in plans:
        if plan.verdict != Verdict.UPDATE:
            continue
        try:
            with transaction.atomic():
                _update(actor_id, plan, now)
        except (IntegrityError, _Changed):
            plan.refuse(_("O cliente foi alterado durante a importação: linha não aplicada."))
    written = [plan for plan in plans if plan.verdict in (Verdict.CREATE, Verdict.UPDATE)]
    if written:
        invalidate_on_commit(
            ids=[plan.id_cliente for plan in written], cpfs=[plan.row.cpf for plan in written]
        )
    # Webhooks: one event per client, recorded in this transaction (sent after it commits).
    for event, verdict in ((signals.CREATED, Verdict.CREATE), (signals.UPDATED, Verdict.UPDATE)):
        ids = [plan.id_cliente for plan in written if plan.verdict == verdict]
        if ids:
            signals.clientes_changed.send(sender=Cliente, event=event, ids=ids)


def _create(actor_id: int, plans: list[RowPlan]) -> None:
    if not plans:
        return
    now = timezone.now()
    ids = insert_rows(
        Cliente,
        [
            {"cpf": plan.row.cpf, **plan.cliente, "created_by_id": actor_id,
             "updated_by_id": actor_id, "created_at": now, "updated_at": now}
            for plan in plans
        ],
    )  # fmt: skip
    enderecos, telefones = [], []
    for plan, id_cliente in zip(plans, ids, strict=True):
        plan.id_cliente, plan.versao = id_cliente, 1
        if plan.endereco:
            enderecos.append({"cliente_id": id_cliente, "principal": True, **plan.endereco})
        for index, phone in enumerate(plan.telefones):
            telefones.append(
                {"cliente_id": id_cliente, "tipo": phone["tipo"], "numero": phone["numero"],
                 "principal": index == 0}
            )  # fmt: skip
    insert_rows(Endereco, enderecos)
    insert_rows(Telefone, telefones)


def _update(actor_id: int, plan: RowPlan, now) -> None:
    state = plan.state
    before: dict = {"cliente": {name: json_value(state.cliente[name]) for name in plan.cliente}}
    changed = Cliente.objects.filter(pk=state.id_cliente, versao=state.versao).update(
        **plan.cliente, versao=F("versao") + 1, updated_by_id=actor_id, updated_at=now
    )
    if changed != 1:
        raise _Changed
    if plan.endereco:
        if state.endereco:
            before["endereco"] = {
                "id": state.endereco["id"],
                **{name: state.endereco[name] for name in plan.endereco},
            }
            Endereco.objects.filter(pk=state.endereco["id"]).update(**plan.endereco)
        else:
            created = Endereco.objects.create(
                cliente_id=state.id_cliente, principal=True, **plan.endereco
            )
            before["endereco_criado"] = created.pk
    phones_before, phones_created = [], []
    old = {phone["id"]: phone["numero"] for phone in state.telefones}
    for phone in plan.telefones:
        if phone["id"] is not None:
            phones_before.append({"id": phone["id"], "numero": old[phone["id"]]})
            Telefone.objects.filter(pk=phone["id"]).update(numero=phone["numero"])
        else:
            created = Telefone.objects.create(
                cliente_id=state.id_cliente,
                tipo=phone["tipo"],
                numero=phone["numero"],
                principal=not state.telefones and not phones_created,
            )
            phones_created.append(created.pk)
    before["telefones"] = phones_before
    before["telefones_criados"] = phones_created
    plan.before = before
    plan.versao = state.versao + 1
