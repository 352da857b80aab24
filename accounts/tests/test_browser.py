"""End-to-end: a real Chromium logs in through the login form."""

from itertools import pairwise

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.dashboard import CARDS
from accounts.mfa.devices import has_mfa
from accounts.mfa.tests.helpers import second_step_in_browser
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_ONLY = {"Gestão de Usuários", "Auditoria"}
LGPD_ONLY = {"LGPD"}  # Encarregado and Administrador
MANAGERS_ONLY = {"Métricas"}  # Gerente and Administrador


def _installed_titles():
    titles = set()
    for card in CARDS:
        try:
            reverse(card.url_name)
        except NoReverseMatch:
            continue
        titles.add(str(card.title))
    return titles


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    if has_mfa(user):  # the Administrador fixture has enrolled (the role requires it)
        second_step_in_browser(page, user)
    page.wait_for_url(f"{live_server.url}/")


def test_analyst_logs_in_and_sees_the_dashboard(page, live_server, analista):
    _log_in(page, live_server, analista)
    assert page.get_by_role("heading", name="Olá, Analista").is_visible()
    assert page.locator(".site-footer").inner_text().startswith("Gestão de Clientes")


@pytest.mark.parametrize("role", ["analista", "gerente", "administrador"])
def test_each_role_sees_its_cards(page, live_server, role, request):
    user = request.getfixturevalue(role)
    _log_in(page, live_server, user)
    shown = set(page.locator(".card-title").all_inner_texts())
    expected = _installed_titles()
    if role != "administrador":
        expected -= ADMIN_ONLY | LGPD_ONLY
    if role == "analista":
        expected -= MANAGERS_ONLY
    assert shown == expected
    assert "Configurações" in shown
    assert page.locator(".user-role").inner_text() == user.nome


def test_wrong_password_shows_the_message(page, live_server, analista):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(analista.email)
    page.get_by_label("Senha").fill("senha-errada-123")
    page.get_by_role("button", name="Entrar").click()
    assert page.get_by_role("alert").inner_text() == "E-mail ou senha incorretos."


def test_login_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(f"{live_server.url}/conta/entrar/")
    # No horizontal scrolling on a 375 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("button", name="Entrar").is_visible()


def test_dashboard_on_a_phone(page, live_server, administrador):
    page.set_viewport_size({"width": 375, "height": 740})
    _log_in(page, live_server, administrador)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    boxes = [card.bounding_box() for card in page.locator(".card").all()]
    assert len(boxes) >= 2
    # Stacked: one column, each card below the previous one, nearly full width.
    assert len({round(box["x"]) for box in boxes}) == 1
    assert all(b["y"] >= a["y"] + a["height"] for a, b in pairwise(boxes))
    assert all(box["width"] > 300 for box in boxes)
    # Wide tables scroll inside their box, never the whole page.
    page.goto(f"{live_server.url}/conta/usuarios/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_server.url}/")
    # The header menu opens and logs out.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sair").click()
    page.wait_for_url(f"{live_server.url}/conta/entrar/")
