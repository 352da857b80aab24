"""End-to-end: every page of each role passes axe-core (WCAG 2.1 AA: no serious or
critical violation); error pages, the login page's warnings, a keyboard-only path.

With SCREENSHOTS_DIR set, the accessibility walk also saves each role's main
pages at 1280 and 375 px there (README "Telas": docs/screenshots/).
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import include, path
from PIL import Image
from playwright.sync_api import expect

from clientes.tests.search_fixtures import search_clients
from config.tests.browser import axe_violations, log_in
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]
handler404 = "config.api_errors.page_not_found"


def _pages(role, clientes) -> list[str]:
    joao = clientes["joao"].pk
    common = [
        "/",
        "/clientes/?q=maria",
        f"/clientes/{joao}/?volta=q%3Dmaria",
        "/relatorios/",
        "/clientes/pesquisas/",
        "/conta/configuracoes/",
        "/conta/senha/",
        "/nao-existe/",
    ]
    editing = ["/clientes/novo/", f"/clientes/{joao}/editar/", f"/clientes/{joao}/inativar/"]
    pages = {
        "analista": [*common, *editing],
        "gerente": [*common, *editing, "/metricas/"],
        "administrador": [
            *common,
            *editing,
            "/metricas/",
            "/conta/usuarios/",
            "/conta/usuarios/novo/",
            "/auditoria/",
            "/lgpd/",
            f"/lgpd/clientes/{joao}/",
            "/conta/configuracoes/seguranca/",
        ],
    }
    return pages[role]


def _shoot(page, name):
    folder = Path(SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 780})
        target = folder / f"{name}-{width}.png"
        page.screenshot(path=str(target))
        # 96 colours: a third of the size, the same picture (they are committed).
        image = Image.open(target).convert("RGB")
        image.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.mark.parametrize("role", ["analista", "gerente", "administrador"])
def test_every_page_of_each_role_passes_axe(page, live_server, role, request):
    user = request.getfixturevalue(role)
    clientes = search_clients()
    log_in(page, live_server, user)
    failures = {}
    for url in _pages(role, clientes):
        page.goto(f"{live_server.url}{url}")
        if url.startswith("/clientes/?"):
            expect(page.locator("#resultados")).to_contain_text("clientes encontrados")
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            found = axe_violations(page)
            if found:
                failures[f"{url} @{width}"] = found
        page.set_viewport_size({"width": 1280, "height": 720})
        if SCREENSHOTS_DIR and role == "gerente":
            name = {"/": "inicio", "/clientes/?q=maria": "pesquisa", "/relatorios/": "relatorios",
                    "/metricas/": "metricas", "/clientes/novo/": "novo-cliente",
                    "/nao-existe/": "404"}.get(url)  # fmt: skip
            if url.startswith(f"/clientes/{clientes['joao'].pk}/?"):
                name = "perfil"
            if name:
                _shoot(page, name)
    assert failures == {}


def test_login_page_passes_axe_and_warns_before_the_lockout(page, live_server, analista, settings):
    page.goto(f"{live_server.url}/conta/entrar/")
    assert axe_violations(page) == []
    if SCREENSHOTS_DIR:
        _shoot(page, "entrar")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        page.get_by_label("E-mail").fill(analista.email)
        page.get_by_label("Senha").fill("senha-errada")
        page.get_by_role("button", name="Entrar").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Restam 2 tentativas antes do bloqueio temporário")
    assert axe_violations(page) == []
    page.get_by_label("Senha").fill("senha-errada")
    page.get_by_role("button", name="Entrar").click()
    expect(alert).to_contain_text("Resta 1 tentativa")
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/")


def test_error_pages_are_branded_in_portuguese(page, live_server, analista, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    log_in(page, live_server, analista)
    response = page.goto(f"{live_server.url}/nao-existe/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Página não encontrada")
    expect(page.get_by_role("link", name="Voltar ao início")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Not Found")
    assert axe_violations(page) == []

    response = page.goto(f"{live_server.url}/boom/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Algo deu errado do nosso lado")
    page.get_by_role("link", name="Voltar ao início").click()
    page.wait_for_url(f"{live_server.url}/")
    assert axe_violations(page) == []


def test_keyboard_only_search_result_profile_and_back(page, live_server, analista):
    search_clients()
    log_in(page, live_server, analista)
    page.keyboard.press("/")  # the header's box, from the dashboard
    page.keyboard.type("maria")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clientes/\?q=maria$"))
    expect(page.locator("#resultados td.nome a")).to_have_count(2)
    page.locator("#id_q").focus()  # where the screen opens (autofocus)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#resultados td.nome a").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clientes/\d+/"))
    heading = page.get_by_role("heading", level=1).inner_text()
    back = page.get_by_role("link", name="Voltar aos resultados")
    for _ in range(40):  # Tab until the link has the focus
        page.keyboard.press("Tab")
        if back.evaluate("el => el === document.activeElement"):
            break
    expect(back).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clientes/\?q=maria$"))
    expect(page.locator("#resultados")).to_contain_text(heading)
