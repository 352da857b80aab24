"""End-to-end: a real Chromium logs in through the login form."""

import pytest

from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_logs_in_and_sees_the_dashboard(page, live_server, analista):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(analista.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Olá, Analista").is_visible()
    assert page.locator(".site-footer").inner_text().startswith("Gestão de Clientes")


def test_login_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(f"{live_server.url}/conta/entrar/")
    # No horizontal scrolling on a 375 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("button", name="Entrar").is_visible()
