"""End-to-end: an administrator logs in, finds a failed login on the audit page."""

import pytest

from accounts.mfa.tests.helpers import second_step_in_browser
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email, password):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()


def test_administrator_filters_the_trail_by_action(page, live_server, administrador, analista):
    _login(page, live_server, analista.email, "Senha-errada-000")
    _login(page, live_server, administrador.email, TEST_PASSWORD)
    second_step_in_browser(page, administrador)
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("navigation", name="Seções").get_by_role("link", name="Auditoria").click()
    page.get_by_label("Ação").select_option(label="Falha de login")
    page.get_by_role("button", name="Filtrar").click()

    rows = page.locator(".audit-table tbody tr")
    rows.first.wait_for()
    page.wait_for_url("**acao=auth.login_failed**")
    assert rows.count() == 1
    assert analista.email in rows.first.inner_text()
    assert "1 evento" in page.locator(".audit-count").inner_text()
