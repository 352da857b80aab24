"""Writes of the LGPD workbench: requests, blocks, legal holds, consents, settings.

Every service runs under ``transaction.atomic`` with its audit event, locks
the client row it changes (so it serialises with edits, anonymisation and
other LGPD actions), and saves the client through ``save()`` so the cache and
search invalidation receivers see the change. Anonymisation lives in
``lgpd.anonymization``; the data report in ``lgpd.report``.
"""

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.services import audit_record
from clientes import signals
from clientes.models import Cliente
from clientes.validators import validate_texto
from common.br import normalize_cpf
from lgpd.choices import OPEN_STATUSES, StatusSolicitacao
from lgpd.models import (
    Bloqueio,
    ConfiguracaoLgpd,
    Consentimento,
    RetencaoLegal,
    SolicitacaoTitular,
)

MOTIVO_MAX = 500


def _error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _motivo(value: str, field: str = "motivo") -> str:
    motivo = (value or "").strip()
    if not motivo:
        raise _error(field, _("Informe o motivo."), "required")
    if len(motivo) > MOTIVO_MAX:
        raise _error(field, _("Use no máximo 500 caracteres."), "max_length")
    try:
        validate_texto(motivo)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc
    return motivo


def lock_cliente(id_cliente: int) -> Cliente:
    """Return the client row locked for this transaction (Cliente.DoesNotExist if gone)."""
    return Cliente.objects.select_for_update().get(pk=id_cliente)


def _refuse_anonymized(cliente: Cliente) -> None:
    if cliente.anonimizado:
        raise ValidationError(
            {NON_FIELD_ERRORS: ValidationError(
                _("Este cliente já foi anonimizado."), code="cliente_anonimizado"
            )}
        )  # fmt: skip


def _save_state(cliente: Cliente, actor, fields: list[str]) -> None:
    cliente.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    cliente.versao += 1
    cliente.save(update_fields=[*fields, "updated_by", "updated_at", "versao"])


def _target(cliente: Cliente) -> tuple:
    # The label of LGPD events never carries the subject's name: only the id.
    return ("clientes.cliente", cliente.pk, f"Cliente #{cliente.pk}")


def note_production(*, solicitacao_id: int | None, actor, acao: str, **extra) -> None:
    """Append what was done for a request (a report, a block...) to its record."""
    if solicitacao_id is None:
        return
    solicitacao = SolicitacaoTitular.objects.select_for_update().filter(pk=solicitacao_id).first()
    if solicitacao is None:
        raise _error("solicitacao", _("Solicitação inexistente."), "solicitacao_inexistente")
    solicitacao.producao = [
        *solicitacao.producao,
        {
            "acao": acao,
            "em": timezone.now().isoformat(),
            "por": getattr(actor, "email", "") or "system",
            **extra,
        },
    ]
    if solicitacao.status == StatusSolicitacao.ABERTA:
        solicitacao.status = StatusSolicitacao.EM_ANDAMENTO
    solicitacao.save(update_fields=["producao", "status", "updated_at"])


# --- Requests -----------------------------------------------------------------


def solicitacao_create(
    *,
    actor,
    cpf: str,
    tipo: str,
    canal: str,
    descricao: str = "",
    recebida_em: datetime | None = None,
) -> SolicitacaoTitular:
    """Register a data subject's request; its due date follows the type's deadline."""
    solicitacao = SolicitacaoTitular(
        tipo=tipo,
        canal=canal,
        descricao=(descricao or "").strip(),
        recebida_em=recebida_em or timezone.now(),
        created_by=actor,
        responsavel=actor,
    )
    errors = {}
    try:
        solicitacao.cpf = normalize_cpf(cpf)
    except ValidationError as exc:
        errors["cpf"] = exc.error_list
        solicitacao.cpf = ""
    if solicitacao.recebida_em > timezone.now():
        errors["recebida_em"] = [_("A data de recebimento não pode estar no futuro.")]
    if not errors:
        solicitacao.cliente = Cliente.objects.filter(cpf=solicitacao.cpf).first()
        solicitacao.prazo = SolicitacaoTitular.prazo_para(tipo, solicitacao.recebida_em)
    try:
        solicitacao.full_clean(exclude=[*errors, "prazo", "cliente"] if errors else ["cliente"])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        solicitacao.save()
        audit_record(
            action=Action.LGPD_REQUEST_CREATE,
            actor=actor,
            target=solicitacao,
            details={"tipo": tipo, "canal": canal, "cliente": solicitacao.cliente_id},
        )
    return solicitacao


def solicitacao_update(*, actor, id_solicitacao: int, data: Mapping) -> SolicitacaoTitular:
    """Change a request's status and reply; denying needs a reasoned reply (art. 18, §4)."""
    unknown = set(data) - {"status", "resposta"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        solicitacao = SolicitacaoTitular.objects.select_for_update().get(pk=id_solicitacao)
        before = {"status": solicitacao.status, "resposta": solicitacao.resposta}
        if "resposta" in data:
            solicitacao.resposta = (data["resposta"] or "").strip()
        if "status" in data:
            solicitacao.status = data["status"]
        if solicitacao.status == StatusSolicitacao.NEGADA and not solicitacao.resposta:
            raise _error(
                "resposta",
                _("Para negar, escreva a resposta fundamentada ao titular (art. 18, § 4º)."),
                "resposta_obrigatoria",
            )
        solicitacao.full_clean(exclude=["cliente", "cpf"])
        if solicitacao.status in OPEN_STATUSES:
            solicitacao.concluida_em = None
        elif before["status"] in OPEN_STATUSES:
            solicitacao.concluida_em = timezone.now()
        solicitacao.responsavel = actor
        solicitacao.save()
        audit_record(
            action=Action.LGPD_REQUEST_UPDATE,
            actor=actor,
            target=solicitacao,
            details={
                "status": {"before": before["status"], "after": solicitacao.status},
                "resposta_alterada": before["resposta"] != solicitacao.resposta,
            },
        )
    return solicitacao


# --- Block --------------------------------------------------------------------


def cliente_block(
    *, actor, id_cliente: int, motivo: str, solicitacao_id: int | None = None
) -> Cliente:
    """Block a client (art. 18, IV): hidden from everyone but LGPD officers until unblocked."""
    motivo = _motivo(motivo)
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        _refuse_anonymized(cliente)
        if cliente.bloqueado:
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError(
                    _("Este cliente já está bloqueado."), code="cliente_bloqueado"
                )}
            )  # fmt: skip
        cliente.bloqueado = True
        _save_state(cliente, actor, ["bloqueado"])
        Bloqueio.objects.create(cliente=cliente, motivo=motivo, bloqueado_por=actor)
        signals.cliente_changed.send(sender=Cliente, event=signals.BLOCKED, cliente=cliente)
        audit_record(
            action=Action.CLIENTE_BLOCK,
            actor=actor,
            target=_target(cliente),
            details={"motivo": motivo, "solicitacao": solicitacao_id},
        )
        note_production(
            solicitacao_id=solicitacao_id, actor=actor, acao="bloqueio", cliente=cliente.pk
        )
    return cliente


def cliente_unblock(*, actor, id_cliente: int, motivo: str) -> Cliente:
    """Lift a client's block, recording why."""
    motivo = _motivo(motivo)
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        if not cliente.bloqueado:
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError(
                    _("Este cliente não está bloqueado."), code="cliente_nao_bloqueado"
                )}
            )  # fmt: skip
        cliente.bloqueado = False
        _save_state(cliente, actor, ["bloqueado"])
        Bloqueio.objects.filter(cliente=cliente, desbloqueado_em__isnull=True).update(
            desbloqueado_em=timezone.now(), desbloqueado_por=actor, motivo_desbloqueio=motivo
        )
        signals.cliente_changed.send(sender=Cliente, event=signals.UNBLOCKED, cliente=cliente)
        audit_record(
            action=Action.CLIENTE_UNBLOCK,
            actor=actor,
            target=_target(cliente),
            details={"motivo": motivo},
        )
    return cliente


# --- Legal hold ---------------------------------------------------------------


def retencao_legal_set(*, actor, id_cliente: int, motivo: str, ate: date) -> RetencaoLegal:
    """Record a legal duty to keep the client's data until ``ate`` (art. 16, I)."""
    motivo = _motivo(motivo)
    if not isinstance(ate, date) or ate < timezone.localdate():
        raise _error("ate", _("Informe uma data final a partir de hoje."), "data_passada")
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        _refuse_anonymized(cliente)
        hold = RetencaoLegal.objects.create(
            cliente=cliente, motivo=motivo, ate=ate, criada_por=actor
        )
        audit_record(
            action=Action.LGPD_LEGAL_HOLD,
            actor=actor,
            target=_target(cliente),
            details={"motivo": motivo, "ate": ate.isoformat(), "retencao": hold.pk},
        )
    return hold


def retencao_legal_release(*, actor, id_cliente: int, id_retencao: int) -> RetencaoLegal:
    """End a legal hold before its date (the obligation ceased)."""
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        hold = RetencaoLegal.objects.select_for_update().get(pk=id_retencao, cliente=cliente)
        if hold.encerrada_em is not None:
            raise _error(
                NON_FIELD_ERRORS, _("Esta retenção já foi encerrada."), "retencao_encerrada"
            )
        hold.encerrada_em = timezone.now()
        hold.encerrada_por = actor
        hold.save(update_fields=["encerrada_em", "encerrada_por"])
        audit_record(
            action=Action.LGPD_LEGAL_HOLD_RELEASE,
            actor=actor,
            target=_target(cliente),
            details={"retencao": hold.pk},
        )
    return hold


# --- Consents -----------------------------------------------------------------


def consentimento_register(
    *,
    actor,
    id_cliente: int,
    finalidade: str,
    concedido: bool,
    canal: str,
    evidencia: str = "",
    solicitacao_id: int | None = None,
) -> Consentimento:
    """Record a grant or revocation of consent for a purpose; history is kept."""
    if finalidade not in ConfiguracaoLgpd.current().finalidades:
        raise _error(
            "finalidade",
            _("Finalidade desconhecida: cadastre-a nas configurações LGPD."),
            "finalidade_desconhecida",
        )
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        _refuse_anonymized(cliente)
        consent = Consentimento(
            cliente=cliente,
            finalidade=finalidade,
            concedido=concedido,
            canal=canal,
            evidencia=(evidencia or "").strip(),
            registrado_por=actor,
        )
        consent.full_clean(exclude=["cliente", "registrado_por"])
        consent.save()
        current = set(cliente.consentimentos)
        current = current | {finalidade} if concedido else current - {finalidade}
        if current != set(cliente.consentimentos):
            cliente.consentimentos = sorted(current)
            _save_state(cliente, actor, ["consentimentos"])
        audit_record(
            action=Action.LGPD_CONSENT,
            actor=actor,
            target=_target(cliente),
            details={"finalidade": finalidade, "concedido": concedido, "canal": canal},
        )
        if not concedido:
            note_production(
                solicitacao_id=solicitacao_id,
                actor=actor,
                acao="revogacao_consentimento",
                finalidade=finalidade,
            )
    return consent


# --- Settings -----------------------------------------------------------------


def configuracao_update(*, actor, data: Mapping) -> ConfiguracaoLgpd:
    """Change the LGPD parameters (deadlines, purposes, retention rule)."""
    with transaction.atomic():
        row = ConfiguracaoLgpd.current()
        row = ConfiguracaoLgpd.objects.select_for_update().get(pk=row.pk)
        before = {name: getattr(row, name) for name in data}
        for name, value in data.items():
            setattr(row, name, value)
        row.updated_by = actor
        row.full_clean(exclude=["updated_by"])
        row.save()
        audit_record(
            action=Action.LGPD_SETTINGS_UPDATE,
            actor=actor,
            target=row,
            details={
                "changes": {
                    k: {"before": before[k], "after": getattr(row, k)}
                    for k in data
                    if before[k] != getattr(row, k)
                }
            },
        )
    return row
