"""The retention rule (LGPD arts. 15-16): inactive clients are anonymised after N years.

Off by default: each run then only lists the candidates (a dry run) for the
Encarregado to review. When the rule is on, candidates are anonymised in
batches (``lgpd.anonymization``), skipping clients under a legal hold. Every
run is recorded (``ExecucaoRetencao``) and audited.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.choices import Action
from audit.services import audit_record
from clientes.models import Cliente
from lgpd.anonymization import clientes_anonymize
from lgpd.models import ConfiguracaoLgpd, ExecucaoRetencao, RetencaoLegal

SAMPLE_SIZE = 1_000


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_candidates(*, anos: int, now: datetime | None = None) -> list[int]:
    """Return the ids of clients inactive and unchanged for more than ``anos`` years."""
    cutoff = _years_before(now or timezone.now(), anos)
    return list(
        Cliente.objects.filter(ativo=False, anonimizado_em__isnull=True, updated_at__lt=cutoff)
        .order_by("id_cliente")
        .values_list("id_cliente", flat=True)
    )


def retention_run(*, dry_run: bool = False, actor=None, now=None) -> ExecucaoRetencao:
    """Apply the retention rule (or only list its candidates); record and return the run.

    A dry run changes nothing; so does a run while the rule is off.
    """
    started = time.monotonic()
    config = ConfiguracaoLgpd.current()
    simulate = dry_run or not config.retencao_ativa
    candidates = retention_candidates(anos=config.retencao_anos, now=now)
    held = set(
        RetencaoLegal.objects.vigentes()
        .filter(cliente_id__in=candidates)
        .values_list("cliente_id", flat=True)
    )
    anonymised = 0
    if not simulate:
        result = clientes_anonymize(
            actor=actor,
            ids=[i for i in candidates if i not in held],
            motivo=f"Regra de retenção: inativo há mais de {config.retencao_anos} anos",
        )
        anonymised = len(result.anonimizados)
        held |= set(result.retidos)
    with transaction.atomic():
        run = ExecucaoRetencao.objects.create(
            simulacao=simulate,
            anos=config.retencao_anos,
            candidatos=len(candidates),
            retidos=len(held),
            anonimizados=anonymised,
            amostra=candidates[:SAMPLE_SIZE],
            duracao_ms=round((time.monotonic() - started) * 1000),
        )
        audit_record(
            action=Action.LGPD_RETENTION,
            actor=actor,
            target=run,
            details={
                "simulacao": simulate,
                "anos": config.retencao_anos,
                "candidatos": len(candidates),
                "retidos": len(held),
                "anonimizados": anonymised,
            },
        )
    return run
