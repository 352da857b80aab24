"""Display helpers for audit events: details as labelled fields, times in local time."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

# pt-BR labels of the keys the services write into ``details``; any other key
# is shown with its own name made readable.
DETAIL_LABELS = {
    "acao": _("Ação"),
    "after": _("Depois"),
    "anonimizado": _("Anonimizado"),
    "ate": _("Até"),
    "attempts": _("Tentativas"),
    "before": _("Antes"),
    "cache": _("Cache"),
    "campos": _("Campos"),
    "canal": _("Canal"),
    "changes": _("Alterações"),
    "cidade": _("Cidade"),
    "cliente": _("Cliente"),
    "command": _("Comando"),
    "concedido": _("Concedido"),
    "contagem_exata": _("Contagem exata"),
    "count": _("Quantidade"),
    "cutoff": _("Anteriores a"),
    "deleted": _("Excluídos"),
    "duracao_ms": _("Duração (ms)"),
    "email": _("E-mail"),
    "erro": _("Erro"),
    "filtros": _("Filtros"),
    "finalidade": _("Finalidade"),
    "format": _("Formato"),
    "formato": _("Formato"),
    "limite": _("Limite"),
    "method": _("Método"),
    "motivo": _("Motivo"),
    "path": _("Caminho"),
    "q": _("Texto pesquisado"),
    "reason": _("Motivo"),
    "resultados": _("Resultados"),
    "retention_days": _("Retenção (dias)"),
    "retry_at": _("Nova tentativa em"),
    "role": _("Papel"),
    "rows": _("Linhas"),
    "status": _("Situação"),
    "tipo": _("Tipo"),
    "url": _("URL"),
}


def _label(key) -> str:
    return str(DETAIL_LABELS.get(key, str(key).replace("_", " ").capitalize()))


def _local_time(value: str) -> str | None:
    """Return an ISO date-time string as local dd/mm/aaaa hh:mm:ss, None if it is not one."""
    if len(value) < 16 or value[4:5] != "-" or "T" not in value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return date_format(timezone.localtime(parsed), "d/m/Y H:i:s")


def _text(value) -> str:
    """Return one detail value as plain text (nested values on one line)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Sim") if value else _("Não"))
    if isinstance(value, str):
        return _local_time(value) or value
    if isinstance(value, dict):
        if set(value) == {"before", "after"}:
            return f"{_text(value['before'])} → {_text(value['after'])}"
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) or "—"
    return str(value)


@register.filter
def details_fields(details) -> list[tuple[str, str]]:
    """Return an event's details as (pt-BR label, readable value) pairs."""
    if not isinstance(details, dict):
        return [(str(_("Detalhes")), _text(details))] if details else []
    return [(_label(key), _text(value)) for key, value in details.items()]
