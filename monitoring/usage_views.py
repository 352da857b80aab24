"""The managers' usage metrics page (/metricas/): the managers' questions first,
the engineers' figures on a "Sistema" tab, a CSV of every daily figure.

Numbers come from monitoring.usage (daily aggregates of the audit trail), not
from Prometheus: they are business figures over months, not live telemetry.
No CPF and nothing a search typed reaches this page: analysts are shown by
name and e-mail, clients only as counts.
"""

import csv
import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clientes.choices import UF
from monitoring.charts import bar_chart
from monitoring.usage import (
    EXPORTS_BY_HOUR,
    EXPORTS_BY_USER,
    SEARCHES_BY_HOUR,
    SEARCHES_BY_USER,
    clients_by_uf_status,
    latest_clients_snapshot,
    usage_period,
)

MAX_DAYS = 366
DEFAULT_RANGE = "30d"
# Analysts listed by name; the rest are added up in one row.
MAX_ANALYSTS = 30
TABS = {"geral": gettext_lazy("Visão geral"), "sistema": gettext_lazy("Sistema")}


def quick_ranges(today: dt.date) -> dict[str, tuple[str, dt.date, dt.date]]:
    """Return the quick periods: key -> (label, first day, last day)."""
    return {
        "hoje": (_("Hoje"), today, today),
        "7d": (_("7 dias"), today - dt.timedelta(days=6), today),
        "30d": (_("30 dias"), today - dt.timedelta(days=29), today),
        "mes": (_("Este mês"), today.replace(day=1), today),
    }


def _date_input():
    # A date input's value is ISO whatever the language; the pt-BR format leaves it blank.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PeriodForm(forms.Form):
    inicio = forms.DateField(label=gettext_lazy("De"), widget=_date_input())
    fim = forms.DateField(label=gettext_lazy("Até"), widget=_date_input())

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


# --- CSV: every daily figure, as before the page was reorganised ------------


def _rows(period):
    """Return the CSV rows: one per day."""
    for day in period.days:
        yield [
            day.dia,
            int(day.get("pesquisas")),
            _percent(day.taxa_sucesso),
            _round(day.tempo_medio_ms),
            _day_p95(day),
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


# --- The page ---------------------------------------------------------------


def _shown(value, suffix="", decimals=0):
    if value is None:
        return "—"
    return number_format(value, decimal_pos=decimals, force_grouping=True) + suffix


def _exports(period) -> float:
    return sum(period.total("exportacoes", f) for f in period.formats)


def _day_exports(period, day) -> float:
    return sum(day.exportacoes(f) for f in period.formats)


def _day_p95(day):
    return _round(day.get("tempo_p95_ms")) if day.get("tempo_n") else None


def _day_label(dia: dt.date) -> str:
    return date_format(dia, "d/m")


def _managers_summary(period):
    return [
        (_("Pesquisas"), _shown(period.total("pesquisas"))),
        (_("Exportações"), _shown(_exports(period))),
        (_("Clientes novos"), _shown(period.total("clientes_novos"))),
        (_("Clientes inativados"), _shown(period.total("clientes_inativados"))),
        (_("Usuários ativos (máximo diário)"), _shown(period.usuarios_ativos_max)),
    ]


def _system_summary(period):
    percent = lambda v: None if v is None else v * 100  # noqa: E731
    return [
        (_("Pesquisas com resultado"), _shown(percent(period.taxa_sucesso), "%", 1)),
        (_("Tempo médio de pesquisa"), _shown(period.tempo_medio_ms, " ms", 1)),
        (_("Tempo p95 de pesquisa (estimado)"), _shown(period.tempo_p95_ms, " ms")),
        (_("Acerto do cache"), _shown(percent(period.taxa_cache), "%", 1)),
        (_("Logins com falha"), _shown(period.total("logins_falhos"))),
    ]


def _hours(period):
    """Return the busiest-hours chart and the peak hour's sentence."""
    searches, exports = period.by_key(SEARCHES_BY_HOUR), period.by_key(EXPORTS_BY_HOUR)
    keys = [f"{h:02d}" for h in range(24)]
    chart = bar_chart(
        title=_("Movimento por hora do dia"),
        categories=[f"{int(k)}h" for k in keys],
        series=[
            (_("Pesquisas"), [searches.get(k, 0) for k in keys]),
            (_("Exportações"), [exports.get(k, 0) for k in keys]),
        ],
    )
    if chart.empty:
        return chart, ""
    busiest = max(keys, key=lambda k: searches.get(k, 0) + exports.get(k, 0))
    peak = _("Horário de pico: das %(de)dh às %(ate)dh (%(n)s pesquisas e exportações).") % {
        "de": int(busiest),
        "ate": (int(busiest) + 1) % 24,
        "n": _shown(searches.get(busiest, 0) + exports.get(busiest, 0)),
    }
    return chart, peak


def _analysts(period):
    """Return the per-analyst rows (name, e-mail, searches, exports, bar %) and the rest."""
    searches, exports = period.by_key(SEARCHES_BY_USER), period.by_key(EXPORTS_BY_USER)
    totals = {k: searches.get(k, 0) + exports.get(k, 0) for k in {*searches, *exports}}
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    shown, rest = ranked[:MAX_ANALYSTS], ranked[MAX_ANALYSTS:]
    users = get_user_model().objects.filter(pk__in=[int(k) for k in shown if k.isdigit()])
    names = {str(u.pk): (u.nome, u.email) for u in users.only("nome", "email")}
    top = max(totals.values(), default=0)
    rows = []
    for key in shown:
        nome, email = names.get(key, (_("Usuário excluído (#%(id)s)") % {"id": key}, ""))
        rows.append(
            {
                "nome": nome,
                "email": email,
                "pesquisas": int(searches.get(key, 0)),
                "exportacoes": int(exports.get(key, 0)),
                "barra": round(100 * totals[key] / top, 1) if top else 0,
            }
        )
    others = None
    if rest:
        others = {
            "usuarios": len(rest),
            "pesquisas": int(sum(searches.get(k, 0) for k in rest)),
            "exportacoes": int(sum(exports.get(k, 0) for k in rest)),
        }
    return rows, others


def _clients_by_uf(period):
    """Return (rows, totals, as-of text) of clients by principal address's UF and status."""
    # The period's last snapshot; else (a period before snapshots were taken)
    # the newest one; else (the periodic task never ran) a count now.
    snapshot = period.clients_snapshot or latest_clients_snapshot()
    if snapshot is None:
        as_of = _("situação atual")
        counts = {k: v for (_metric, k), v in clients_by_uf_status().items()}
    else:
        dia, counts = snapshot
        as_of = _("situação em %(dia)s") % {"dia": date_format(dia, "d/m/Y")}
    by_uf: dict[str, dict[str, int]] = {}
    for key, value in counts.items():
        uf, _sep, status = key.partition(":")
        by_uf.setdefault(uf, {"ativo": 0, "inativo": 0})[status] = int(value)
    names = dict(UF.choices)
    top = max((c["ativo"] + c["inativo"] for c in by_uf.values()), default=0)
    rows = [
        {
            "uf": uf or "—",
            "nome": names.get(uf, _("Sem endereço principal")),
            "ativos": c["ativo"],
            "inativos": c["inativo"],
            "total": c["ativo"] + c["inativo"],
            "barra_ativos": round(100 * c["ativo"] / top, 1) if top else 0,
            "barra_inativos": round(100 * c["inativo"] / top, 1) if top else 0,
        }
        for uf, c in by_uf.items()
    ]
    rows.sort(key=lambda r: (-r["total"], r["uf"]))
    totals = {
        "ativos": sum(r["ativos"] for r in rows),
        "inativos": sum(r["inativos"] for r in rows),
    }
    totals["total"] = totals["ativos"] + totals["inativos"]
    return rows, totals, as_of


def _managers_context(period):
    days = [_day_label(d.dia) for d in period.days]
    hours_chart, peak = _hours(period)
    analysts, others = _analysts(period)
    uf_rows, uf_totals, uf_as_of = _clients_by_uf(period)
    return {
        "summary": _managers_summary(period),
        "activity_chart": bar_chart(
            title=_("Pesquisas e exportações por dia"),
            categories=days,
            series=[
                (_("Pesquisas"), [d.get("pesquisas") for d in period.days]),
                (_("Exportações"), [_day_exports(period, d) for d in period.days]),
            ],
        ),
        "clients_chart": bar_chart(
            title=_("Clientes novos e inativados por dia"),
            categories=days,
            series=[
                (_("Novos"), [d.get("clientes_novos") for d in period.days]),
                (_("Inativados"), [d.get("clientes_inativados") for d in period.days]),
            ],
        ),
        "hours_chart": hours_chart,
        "peak": peak,
        "analysts": analysts,
        "analysts_others": others,
        "uf_rows": uf_rows,
        "uf_totals": uf_totals,
        "uf_as_of": uf_as_of,
        "table_headers": [
            _("Dia"),
            _("Pesquisas"),
            _("Exportações"),
            _("Clientes novos"),
            _("Clientes inativados"),
            _("Usuários ativos"),
        ],
        "table_rows": [
            [
                d.dia,
                int(d.get("pesquisas")),
                int(_day_exports(period, d)),
                int(d.get("clientes_novos")),
                int(d.get("clientes_inativados")),
                int(d.get("usuarios_ativos")),
            ]
            for d in period.days
        ],
    }


def _system_context(period):
    days = [_day_label(d.dia) for d in period.days]
    return {
        "summary": _system_summary(period),
        "time_chart": bar_chart(
            title=_("Tempo de pesquisa por dia (ms)"),
            categories=days,
            series=[
                (_("Médio"), [_round(d.tempo_medio_ms) for d in period.days]),
                (_("p95"), [_day_p95(d) for d in period.days]),
            ],
            unit=" ms",
            decimals=1,
        ),
        "cache_chart": bar_chart(
            title=_("Acerto do cache e pesquisas com resultado (%)"),
            categories=days,
            series=[
                (_("Acerto do cache"), [_percent(d.taxa_cache) for d in period.days]),
                (_("Com resultado"), [_percent(d.taxa_sucesso) for d in period.days]),
            ],
            unit="%",
            decimals=1,
            y_max=100,
        ),
        "logins_chart": bar_chart(
            title=_("Logins com falha por dia"),
            categories=days,
            series=[(_("Logins com falha"), [d.get("logins_falhos") for d in period.days])],
        ),
        "table_headers": [
            _("Dia"),
            _("Com resultado (%)"),
            _("Tempo médio (ms)"),
            _("Tempo p95 (ms)"),
            _("Acerto do cache (%)"),
            _("Logins com falha"),
        ],
        "table_rows": [
            [
                d.dia,
                _percent(d.taxa_sucesso),
                _round(d.tempo_medio_ms),
                _round(d.get("tempo_p95_ms") if d.get("tempo_n") else None),
                _percent(d.taxa_cache),
                int(d.get("logins_falhos")),
            ]
            for d in period.days
        ],
    }


class MetricasView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Usage of the system over a period, for Gerente and Administrador."""

    # Anonymous: login redirect; logged in without the permission: 403.
    permission_required = "monitoring.view_dailyusage"
    template_name = "monitoring/metricas.html"

    def get(self, request):
        today = timezone.localdate()
        ranges = quick_ranges(today)
        aba = request.GET.get("aba") if request.GET.get("aba") in TABS else "geral"
        chosen = request.GET.get("periodo")
        if "inicio" in request.GET or "fim" in request.GET:
            form, chosen = PeriodForm(request.GET), None
        else:
            chosen = chosen if chosen in ranges else DEFAULT_RANGE
            _label, inicio, fim = ranges[chosen]
            form = PeriodForm({"inicio": inicio, "fim": fim})
        context = {
            "form": form,
            "aba": aba,
            "tabs": TABS,
            "quick_ranges": [(key, label) for key, (label, _i, _f) in ranges.items()],
            "chosen_range": chosen,
        }
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        inicio, fim = form.cleaned_data["inicio"], form.cleaned_data["fim"]
        period = usage_period(inicio=inicio, fim=fim)
        if request.GET.get("formato") == "csv":
            return _csv(period, inicio, fim)
        period_query = f"periodo={chosen}" if chosen else f"inicio={inicio}&fim={fim}"
        context.update(
            period=period,
            inicio=inicio,
            fim=fim,
            one_day=inicio == fim,
            period_query=period_query,
            csv_query=f"inicio={inicio}&fim={fim}&formato=csv",
            **(_system_context(period) if aba == "sistema" else _managers_context(period)),
        )
        return render(request, self.template_name, context)
