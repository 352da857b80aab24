"""End-to-end: a manager sees the metrics charts, drawn under our CSP."""

import pytest

from conftest import TEST_PASSWORD
from monitoring.tests.usage_fixtures import DAY1, DAY2, seed_events
from monitoring.usage import usage_aggregate_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_the_charts_without_csp_violations(page, live_server, gerente):
    seed_events()
    for day in (DAY1, DAY2):
        usage_aggregate_day(dia=day)
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(gerente.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/relatorios/metricas/?inicio={DAY1}&fim={DAY2}")
    assert page.get_by_role("heading", name="Métricas de uso").is_visible()
    charts = page.evaluate(
        "[...document.querySelectorAll('canvas[data-grafico]')]"
        ".map(c => Chart.getChart(c) ? Chart.getChart(c).data.datasets.length : 0)"
    )
    assert len(charts) == 7 and all(n >= 1 for n in charts)
    assert page.evaluate(
        "Chart.getChart(document.querySelector('[data-grafico=pesquisas]')).data.datasets[0].data"
    ) == [4, 1]
    assert violations == []
    page.get_by_role("link", name="Baixar CSV").is_visible()
