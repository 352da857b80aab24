"""End-to-end: a manager reads the metrics (SVG charts, tabs, quick ranges) under our CSP."""

import pytest

from accounts.tests.test_browser import _log_in
from monitoring.tests.usage_fixtures import DAY1, DAY2, seed_events
from monitoring.usage import usage_aggregate_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_charts_then_the_system_tab_then_an_empty_week(page, live_server, gerente):
    seed_events()
    for day in (DAY1, DAY2):
        usage_aggregate_day(dia=day)
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    _log_in(page, live_server, gerente)
    page.goto(f"{live_server.url}/metricas/?inicio={DAY1}&fim={DAY2}")
    assert page.get_by_role("heading", name="Métricas de uso").is_visible()

    # Bars, not lines: 4 searches and 3 exports on day 1, 1 search on day 2.
    activity = page.locator("[data-grafico=atividade] svg rect")
    assert activity.count() == 3
    heights = [float(activity.nth(n).get_attribute("height")) for n in range(3)]
    assert heights[0] > heights[1] > heights[2] > 0
    assert activity.first.locator("title").text_content() == "10/03 · Pesquisas: 4"
    box = page.locator("[data-grafico=atividade] svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # drawn at a readable size
    assert page.locator("[data-grafico=horas] svg rect").count() >= 4
    assert page.get_by_text("Horário de pico").is_visible()
    assert not page.get_by_text("Acerto do cache").is_visible()
    # The daily table fits the page: no sideways scrolling at 1280 px.
    table = page.locator(".metricas-tabela")
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")

    page.get_by_role("link", name="Sistema").click()
    page.wait_for_url("**aba=sistema**")
    assert page.locator(".metricas-resumo dt", has_text="Acerto do cache").is_visible()
    assert page.locator("[data-grafico=tempo] svg rect").count() >= 2
    assert page.get_by_role("link", name="Sistema").get_attribute("aria-current") == "page"

    page.get_by_role("link", name="Visão geral").click()
    page.get_by_role("link", name="7 dias").click()
    page.wait_for_url("**periodo=7d**")
    # Nothing happened this week in the fixture: said in words, not an empty chart.
    assert page.get_by_text("Nenhuma pesquisa ou exportação no período.").is_visible()
    assert page.locator("[data-grafico=atividade] svg").count() == 0
    assert page.get_by_role("link", name="Baixar CSV").is_visible()
    assert violations == []


def test_on_a_phone_the_page_does_not_scroll_sideways(page, live_server, gerente):
    seed_events()
    usage_aggregate_day(dia=DAY1)
    _log_in(page, live_server, gerente)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/metricas/?inicio={DAY1}&fim={DAY2}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("[data-grafico=atividade] svg").bounding_box()["width"] <= 375
