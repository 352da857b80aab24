"""Reads of the LGPD workbench."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from lgpd.choices import OPEN_STATUSES
from lgpd.filters import SolicitacaoFilterSet, by_urgency
from lgpd.models import Consentimento, ExecucaoRetencao, RetencaoLegal, SolicitacaoTitular


def solicitacao_list(*, params: Mapping) -> QuerySet[SolicitacaoTitular]:
    """Return the requests matching ``params``, most urgent first (ValidationError if invalid)."""
    filterset = SolicitacaoFilterSet(
        data=params, queryset=SolicitacaoTitular.objects.select_related("cliente", "responsavel")
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return by_urgency(filterset.qs)


def solicitacao_counts() -> dict:
    """Return how many requests are open and how many of those are overdue (dashboard)."""
    open_requests = SolicitacaoTitular.objects.filter(status__in=OPEN_STATUSES)
    return {
        "abertas": open_requests.count(),
        "atrasadas": open_requests.filter(prazo__lt=timezone.localdate()).count(),
    }


def dashboard_status(user) -> str:
    """Return the LGPD card's line: open and overdue requests."""
    counts = solicitacao_counts()
    return (
        ngettext(
            "%(abertas)d solicitação aberta, %(atrasadas)d atrasada",
            "%(abertas)d solicitações abertas, %(atrasadas)d atrasadas",
            counts["abertas"],
        )
        % counts
    )


def consent_history(*, id_cliente: int) -> list[Consentimento]:
    return list(
        Consentimento.objects.filter(cliente_id=id_cliente).select_related("registrado_por")
    )


def legal_holds(*, id_cliente: int) -> list[RetencaoLegal]:
    return list(RetencaoLegal.objects.filter(cliente_id=id_cliente).select_related("criada_por"))


def legal_hold_in_force(*, id_cliente: int) -> RetencaoLegal | None:
    return RetencaoLegal.objects.vigentes().filter(cliente_id=id_cliente).first()


def latest_retention_runs(limit: int = 10) -> list[ExecucaoRetencao]:
    return list(ExecucaoRetencao.objects.all()[:limit])
