"""The managers' usage metrics page (/relatorios/metricas/): charts, table, CSV.

Numbers come from monitoring.usage (daily aggregates of the audit trail), not
from Prometheus: they are business figures over months, not live telemetry.
"""

import csv
import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views import View

from monitoring.usage import usage_period

MAX_DAYS = 366
DEFAULT_DAYS = 30


class PeriodForm(forms.Form):
    inicio = forms.DateField(label=_("De"), widget=forms.DateInput(attrs={"type": "date"}))
    fim = forms.DateField(label=_("Até"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        inicio, fim = data.get("inicio"), data.get("fim")
        if inicio and fim:
            if fim < inicio:
                raise forms.ValidationError(
                    _("A data final deve ser igual ou posterior à inicial.")
                )
            if (fim - inicio).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("Escolha um período de até %(dias)d dias.") % {"dias": MAX_DAYS}
                )
        return data


def _percent(value):
    return None if value is None else round(value * 100, 1)


def _round(value):
    return None if value is None else round(value, 1)


def _rows(period):
    """Return the table (and CSV) rows: one per day."""
    for day in period.days:
        yield [
            day.dia,
            int(day.get("pesquisas")),
            _percent(day.taxa_sucesso),
            _round(day.tempo_medio_ms),
            _round(day.get("tempo_p95_ms") if day.get("tempo_n") else None),
            _percent(day.taxa_cache),
            *(int(day.exportacoes(f)) for f in period.formats),
            int(day.get("logins_falhos")),
            int(day.get("usuarios_ativos")),
            int(day.get("clientes_novos")),
            int(day.get("clientes_inativados")),
        ]


def _headers(period):
    return [
        _("Dia"),
        _("Pesquisas"),
        _("Pesquisas com resultado (%)"),
        _("Tempo médio (ms)"),
        _("Tempo p95 (ms)"),
        _("Acerto do cache (%)"),
        *(_("Exportações %(formato)s") % {"formato": f.upper() or "?"} for f in period.formats),
        _("Logins com falha"),
        _("Usuários ativos"),
        _("Clientes novos"),
        _("Clientes inativados"),
    ]


def _csv(period, inicio, fim):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="metricas-{inicio}-a-{fim}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response)
    writer.writerow([str(h) for h in _headers(period)])
    for row in _rows(period):
        writer.writerow(["" if v is None else v for v in row])
    return response


def _shown(value, suffix="", decimals=0):
    if value is None:
        return "—"
    return number_format(value, decimal_pos=decimals, force_grouping=True) + suffix


def _summary(period):
    """Return the period's headline figures as (label, formatted value)."""
    exports = sum(period.total("exportacoes", f) for f in period.formats)
    percent = lambda v: None if v is None else v * 100  # noqa: E731
    return [
        (_("Pesquisas"), _shown(period.total("pesquisas"))),
        (_("Pesquisas com resultado"), _shown(percent(period.taxa_sucesso), "%", 1)),
        (_("Tempo médio de pesquisa"), _shown(period.tempo_medio_ms, " ms", 1)),
        (_("Tempo p95 de pesquisa (estimado)"), _shown(period.tempo_p95_ms, " ms")),
        (_("Acerto do cache"), _shown(percent(period.taxa_cache), "%", 1)),
        (_("Exportações"), _shown(exports)),
        (_("Logins com falha"), _shown(period.total("logins_falhos"))),
        (_("Usuários ativos (máximo diário)"), _shown(period.usuarios_ativos_max)),
        (_("Clientes novos"), _shown(period.total("clientes_novos"))),
        (_("Clientes inativados"), _shown(period.total("clientes_inativados"))),
    ]


def _chart_data(period):
    days = period.days
    return {
        "dias": [d.dia.isoformat() for d in days],
        "pesquisas": [d.get("pesquisas") for d in days],
        "sucesso": [_percent(d.taxa_sucesso) for d in days],
        "tempo_medio": [_round(d.tempo_medio_ms) for d in days],
        "tempo_p95": [_round(d.get("tempo_p95_ms")) if d.get("tempo_n") else None for d in days],
        "cache": [_percent(d.taxa_cache) for d in days],
        "exportacoes": {f or "?": [d.exportacoes(f) for d in days] for f in period.formats},
        "logins_falhos": [d.get("logins_falhos") for d in days],
        "usuarios_ativos": [d.get("usuarios_ativos") for d in days],
        "clientes_novos": [d.get("clientes_novos") for d in days],
        "clientes_inativados": [d.get("clientes_inativados") for d in days],
    }


class MetricasView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Usage of the system over a period, for Gerente and Administrador."""

    # Anonymous: login redirect; logged in without the permission: 403.
    permission_required = "monitoring.view_dailyusage"

    def get(self, request):
        today = timezone.localdate()
        initial = {"inicio": today - dt.timedelta(days=DEFAULT_DAYS - 1), "fim": today}
        form = PeriodForm(request.GET if "inicio" in request.GET else initial)
        if not form.is_valid():
            return render(request, "reports/metricas.html", {"form": form}, status=400)
        inicio, fim = form.cleaned_data["inicio"], form.cleaned_data["fim"]
        period = usage_period(inicio=inicio, fim=fim)
        if request.GET.get("formato") == "csv":
            return _csv(period, inicio, fim)
        return render(
            request,
            "reports/metricas.html",
            {
                "form": form,
                "period": period,
                "summary": _summary(period),
                "headers": _headers(period),
                "rows": list(_rows(period)),
                "chart_data": _chart_data(period),
                "csv_query": f"inicio={inicio}&fim={fim}&formato=csv",
            },
        )
