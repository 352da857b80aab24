"""The managers' metrics page: who may see it, and the numbers it shows."""

import csv
import datetime as dt
import io

import pytest
from django.db.models import Sum
from django.utils import timezone

from monitoring.models import DailyUsage
from monitoring.tests.usage_fixtures import DAY1, DAY2, at
from monitoring.usage import SETTLE_SECONDS, usage_aggregate_day

URL = "/metricas/"
PERIOD = {"inicio": DAY1.isoformat(), "fim": DAY2.isoformat()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("analista", 403), ("gerente", 200), ("administrador", 200)]
)
def test_only_managers_and_administrators_see_the_metrics(client, request, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/conta/entrar/")


def test_page_leads_with_the_managers_numbers(client, gerente, aggregated):
    client.force_login(gerente)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    summary = dict(response.context["summary"])
    assert summary == {
        "Pesquisas": "5",
        "Exportações": "3",
        "Clientes novos": "11",
        "Clientes inativados": "1",
        "Usuários ativos (máximo diário)": "4",
    }
    html = response.content.decode()
    # Engineers' figures are not on the managers' tab.
    assert "Acerto do cache" not in html and "p95" not in html
    activity = response.context["activity_chart"]
    assert [(b.series, b.title) for b in activity.bars] == [
        (0, "10/03 · Pesquisas: 4"),
        (1, "10/03 · Exportações: 3"),
        (0, "11/03 · Pesquisas: 1"),
    ]
    assert 'data-grafico="atividade"' in html and "<svg" in html


def test_system_tab_has_the_technical_figures(client, gerente, aggregated):
    client.force_login(gerente)
    response = client.get(URL, {**PERIOD, "aba": "sistema"})
    assert response.status_code == 200
    summary = dict(response.context["summary"])
    assert summary["Pesquisas com resultado"] == "80,0%"
    assert summary["Tempo médio de pesquisa"] == "102,0 ms"
    assert summary["Tempo p95 de pesquisa (estimado)"] == "450 ms"
    assert summary["Acerto do cache"] == "75,0%"
    assert summary["Logins com falha"] == "2"
    html = response.content.decode()
    assert 'aria-current="page" class="aba aba-ativa">Sistema</a>' in html
    assert 'data-grafico="tempo"' in html and 'data-grafico="cache"' in html


def test_csv_download_has_one_row_per_day(client, gerente, aggregated):
    client.force_login(gerente)
    response = client.get(URL, {**PERIOD, "formato": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "metricas-2026-03-10-a-2026-03-11.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Dia", "Pesquisas", "Pesquisas com resultado (%)"]
    assert "Exportações CSV" in rows[0] and "Exportações XLSX" in rows[0]
    day1 = dict(zip(rows[0], rows[1], strict=True))
    assert day1["Dia"] == "2026-03-10"
    assert day1["Pesquisas"] == "4" and day1["Tempo p95 (ms)"] == "344.5"
    assert day1["Exportações CSV"] == "2" and day1["Clientes novos"] == "11"
    assert len(rows) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"inicio": "2026-03-11", "fim": "2026-03-10"}, "A data final deve ser igual"),
        ({"inicio": "2024-01-01", "fim": "2026-03-10"}, "até 366 dias"),
        ({"inicio": "ontem", "fim": "2026-03-10"}, "Informe uma data válida"),
    ],
)
def test_a_bad_period_is_a_400_with_a_message(client, gerente, params, message):
    client.force_login(gerente)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def _percentile_cont(values, fraction):
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@pytest.mark.django_db(transaction=True)  # committed clients: the search cache is in play
def test_todays_searches_show_at_once_and_after_the_aggregation(client, analista, gerente):
    from audit.choices import Action
    from audit.models import AuditEvent
    from clientes.tests.cache_helpers import make_cliente

    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    client.force_login(analista)
    client.get("/clientes/")  # opening the screen is not a search
    for _ in range(3):
        client.get("/clientes/", {"uf": "PE"})  # miss, then two hits
    client.get("/clientes/", {"nome": "Zuleica Inexistente"})  # miss, no result
    durations = [
        e.details["duracao_ms"] for e in AuditEvent.objects.filter(action=Action.CLIENTE_SEARCH)
    ]
    assert len(durations) == 4

    client.force_login(gerente)

    def shown():
        response = client.get(URL, {"aba": "sistema"})  # the default period ends today
        assert response.status_code == 200
        summary = dict(response.context["summary"])
        assert response.context["period"].total("pesquisas") == 4
        assert summary["Pesquisas com resultado"] == "75,0%"
        assert summary["Acerto do cache"] == "50,0%"
        period = response.context["period"]
        assert period.tempo_medio_ms == pytest.approx(sum(durations) / 4)
        assert summary["Tempo médio de pesquisa"].endswith(" ms")
        assert summary["Tempo p95 de pesquisa (estimado)"].endswith(" ms")
        (day,) = [d for d in period.days if d.get("pesquisas")]
        assert day.get("tempo_p95_ms") == pytest.approx(_percentile_cont(durations, 0.95))
        csv_text = client.get(URL, {**response.context["form"].cleaned_data, "formato": "csv"})
        rows = list(csv.DictReader(io.StringIO(csv_text.content.decode("utf-8-sig"))))
        (today,) = [r for r in rows if r["Pesquisas"] == "4"]
        assert today["Acerto do cache (%)"] == "50.0" and today["Tempo médio (ms)"] != ""
        return summary

    live = shown()  # nothing aggregated yet: counted from the audit trail
    # The aggregation a minute from now (when these searches have settled)
    # counts all of them; the page then reads them from DailyUsage.
    later = timezone.now() + dt.timedelta(seconds=SETTLE_SECONDS + 1)
    for n in range(2):
        usage_aggregate_day(dia=timezone.localdate(later) - dt.timedelta(days=n), now=later)
    assert DailyUsage.objects.filter(metrica="pesquisas").aggregate(n=Sum("valor"))["n"] == 4
    assert shown() == live


@pytest.mark.django_db
@pytest.mark.parametrize(("periodo", "days"), [("hoje", 1), ("7d", 7), ("30d", 30), ("mes", None)])
def test_quick_ranges_end_today(client, gerente, periodo, days):
    client.force_login(gerente)
    response = client.get(URL, {"periodo": periodo})
    assert response.status_code == 200
    today = timezone.localdate()
    inicio, fim = response.context["inicio"], response.context["fim"]
    assert fim == today
    assert inicio == (today.replace(day=1) if days is None else today - dt.timedelta(days - 1))
    html = response.content.decode()
    assert f'href="?periodo={periodo}&amp;aba=geral" class="chip chip-ativo"' in html


@pytest.mark.django_db
def test_an_empty_period_is_explained_instead_of_drawn(client, gerente):
    client.force_login(gerente)
    response = client.get(URL, {"inicio": "2025-01-01", "fim": "2025-01-31"})
    html = response.content.decode()
    assert response.context["activity_chart"].empty
    assert "Nenhuma pesquisa ou exportação no período." in html
    assert "Ninguém pesquisou nem exportou no período." in html
    assert "<rect" not in html.split('data-grafico="atividade"')[1].split("</figure>")[0]


def test_searches_and_exports_per_user_show_names_never_cpfs(client, gerente, aggregated):
    from django.contrib.auth import get_user_model

    from audit.models import AuditEvent

    # The fixture's actors (1, 2, 3, 5) are no users: shown as deleted ones.
    get_user_model().objects.create_user(id=1001, email="u1@teste.com.br", nome="Ana Lima")
    AuditEvent.objects.create(
        action="cliente.search",
        occurred_at=at(DAY2, 10),
        actor_id=1001,
        channel="web",
        details={"q": "529.982.247-25", "resultados": 1, "duracao_ms": 5},
    )
    for day in (DAY1, DAY2):
        usage_aggregate_day(dia=day)
    client.force_login(gerente)
    response = client.get(URL, PERIOD)
    rows = {r["nome"]: (r["pesquisas"], r["exportacoes"]) for r in response.context["analysts"]}
    assert rows["Ana Lima"] == (1, 0)
    assert rows["Usuário excluído (#2)"] == (1, 3)
    html = response.content.decode()
    assert "u1@teste.com.br" in html
    assert "529.982.247-25" not in html and "52998224725" not in html


def test_clients_by_uf_and_status(client, gerente, aggregated):
    from clientes.tests.cache_helpers import make_cliente

    make_cliente(cpf="52998224725", nome="Ana", uf="PE")
    inativo = make_cliente(cpf="11144477735", nome="Bia", uf="PE")
    inativo.ativo = False
    inativo.save(update_fields=["ativo"])
    make_cliente(cpf="39053344705", nome="Caio", uf="SP")
    client.force_login(gerente)
    response = client.get(URL, PERIOD)
    rows = [(r["uf"], r["ativos"], r["inativos"], r["total"]) for r in response.context["uf_rows"]]
    assert rows == [("PE", 1, 1, 2), ("SP", 1, 0, 1)]
    assert response.context["uf_totals"] == {"ativos": 2, "inativos": 1, "total": 3}
    assert "Pernambuco" in response.content.decode()


@pytest.mark.django_db
def test_the_old_address_redirects_with_its_period(client, gerente):
    client.force_login(gerente)
    response = client.get("/relatorios/metricas/", {"inicio": "2026-03-10", "fim": "2026-03-11"})
    assert response.status_code == 302
    assert response["Location"] == "/metricas/?inicio=2026-03-10&fim=2026-03-11"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_period_before_any_snapshot_shows_the_newest_one_with_its_date(client, gerente):
    DailyUsage.objects.create(dia=DAY2, metrica="clientes_uf", chave="BA:ativo", valor=7)
    client.force_login(gerente)
    response = client.get(URL, {"inicio": "2025-01-01", "fim": "2025-01-31"})
    assert [(r["uf"], r["ativos"]) for r in response.context["uf_rows"]] == [("BA", 7)]
    assert response.context["uf_as_of"] == "situação em 11/03/2026"
