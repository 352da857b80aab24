"""The data subject's report (LGPD arts. 18, II and V, and 19): everything held about a client.

One dictionary, with stable field names (``SCHEMA``, documented in the OpenAPI
schema by ``lgpd.api.serializers.DataReportSerializer``), serves the JSON for
portability and the PDF for the person (``lgpd.report_pdf``). Producing it is
audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.choices import CLIENTE_CHANGE_ACTIONS, Action
from audit.models import AuditEvent
from audit.services import audit_record
from clientes.models import Cliente
from common.br import format_cpf
from lgpd.models import Consentimento, RetencaoLegal, SolicitacaoTitular
from lgpd.services import note_production

SCHEMA = "gestao-clientes/relatorio-titular/v1"
# Who opened the record (profile or API), alone or after a search.
ACCESS_ACTIONS = (Action.CLIENTE_VIEW, Action.LGPD_DATA_REPORT)
MAX_EVENTS = 5_000


def _iso(value):
    return value.isoformat() if value is not None else None


def _event(event: AuditEvent, *, with_changes: bool) -> dict:
    row = {
        "em": _iso(event.occurred_at),
        "acao": event.action,
        "descricao": str(event.action_label),
        "usuario": event.actor_email,
        "papel": event.actor_role,
        "canal": event.channel,
    }
    if with_changes:
        row["alteracoes"] = event.details.get("changes", {})
    return row


def data_report(*, actor, id_cliente: int, formato: str, solicitacao_id: int | None = None) -> dict:
    """Return everything held about the client and record that it was produced."""
    with transaction.atomic():
        cliente = Cliente.objects.prefetch_related("enderecos", "telefones").get(pk=id_cliente)
        audit_record(
            action=Action.LGPD_DATA_REPORT,
            actor=actor,
            target=("clientes.cliente", cliente.pk, f"Cliente #{cliente.pk}"),
            details={"formato": formato, "solicitacao": solicitacao_id},
        )
        note_production(
            solicitacao_id=solicitacao_id,
            actor=actor,
            acao="relatorio",
            formato=formato,
            cliente=cliente.pk,
        )
        return _build(cliente)


def _build(cliente: Cliente) -> dict:
    events = AuditEvent.objects.filter(
        target_type="clientes.cliente", target_id=str(cliente.pk)
    ).order_by("occurred_at", "id")
    consents = Consentimento.objects.filter(cliente=cliente).order_by("registrado_em", "id")
    return {
        "schema": SCHEMA,
        "gerado_em": _iso(timezone.now()),
        "titular": {
            "id_cliente": cliente.pk,
            "cpf": format_cpf(cliente.cpf) if not cliente.anonimizado else "",
            "nome_completo": cliente.nome_completo,
            "nome_social": cliente.nome_social,
            "data_nascimento": _iso(cliente.data_nascimento),
            "sexo": cliente.sexo,
            "nome_mae": cliente.nome_mae,
            "email": cliente.email,
            "ativo": cliente.ativo,
            "motivo_inativacao": cliente.motivo_inativacao,
            "bloqueado": cliente.bloqueado,
            "anonimizado_em": _iso(cliente.anonimizado_em),
            "cadastrado_em": _iso(cliente.created_at),
            "atualizado_em": _iso(cliente.updated_at),
        },
        "enderecos": [
            {
                "cep": e.cep,
                "logradouro": e.logradouro,
                "numero": e.numero,
                "complemento": e.complemento,
                "bairro": e.bairro,
                "cidade": e.cidade,
                "uf": e.uf,
                "principal": e.principal,
            }
            for e in cliente.enderecos.all()
        ],
        "telefones": [
            {"tipo": t.tipo, "numero": t.numero, "principal": t.principal}
            for t in cliente.telefones.all()
        ],
        "consentimentos": {
            "vigentes": sorted(cliente.consentimentos),
            "historico": [
                {
                    "finalidade": c.finalidade,
                    "concedido": c.concedido,
                    "canal": c.canal,
                    "evidencia": c.evidencia,
                    "registrado_em": _iso(c.registrado_em),
                }
                for c in consents
            ],
        },
        "retencoes_legais": [
            {
                "motivo": r.motivo,
                "ate": _iso(r.ate),
                "registrada_em": _iso(r.criada_em),
                "encerrada_em": _iso(r.encerrada_em),
            }
            for r in RetencaoLegal.objects.filter(cliente=cliente).order_by("criada_em", "id")
        ],
        "solicitacoes": [
            {
                "id": s.pk,
                "tipo": s.tipo,
                "canal": s.canal,
                "recebida_em": _iso(s.recebida_em),
                "prazo": _iso(s.prazo),
                "status": s.status,
                "resposta": s.resposta,
            }
            for s in SolicitacaoTitular.objects.filter(cliente=cliente).order_by("recebida_em")
        ],
        "alteracoes": [
            _event(e, with_changes=True)
            for e in events.filter(action__in=CLIENTE_CHANGE_ACTIONS)[:MAX_EVENTS]
        ],
        "acessos": [
            _event(e, with_changes=False)
            for e in events.filter(action__in=ACCESS_ACTIONS)[:MAX_EVENTS]
        ],
    }
