"""End-to-end: the Encarregado receives an access request, produces the PDF report, blocks
the client, and an analyst's search no longer shows it."""

import pytest

from accounts.mfa.devices import has_mfa
from accounts.mfa.tests.helpers import second_step_in_browser
from conftest import TEST_PASSWORD
from lgpd.models import SolicitacaoTitular
from lgpd.tests.conftest import make_cliente

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOME = "Florisbela Anacleta Tavares"


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    if has_mfa(user):  # the Encarregado fixture has enrolled (the role requires it)
        second_step_in_browser(page, user)
    page.wait_for_url(f"{live_server.url}/")


def _analyst_results(browser, live_server, analista) -> int:
    context = browser.new_context()
    page = context.new_page()
    _login(page, live_server, analista)
    page.goto(f"{live_server.url}/clientes/?q=Florisbela")
    found = page.get_by_role("link", name=NOME).count()
    context.close()
    return found


def test_access_request_report_and_block(page, browser, live_server, encarregado, analista):
    cliente = make_cliente(nome_completo=NOME)
    assert _analyst_results(browser, live_server, analista) == 1

    _login(page, live_server, encarregado)
    page.get_by_role("navigation", name="Seções").get_by_role("link", name="LGPD").click()
    page.wait_for_url(f"{live_server.url}/lgpd/")
    page.get_by_role("link", name="Nova solicitação").click()
    page.get_by_label("CPF do titular").fill(cliente.cpf_formatado)
    page.get_by_label("Tipo").select_option("acesso")
    page.get_by_label("Canal").select_option("email")
    page.get_by_label("Descrição").fill("O titular pede cópia de todos os seus dados.")
    page.get_by_role("button", name="Registrar").click()
    solicitacao = SolicitacaoTitular.objects.get()
    page.wait_for_url(f"{live_server.url}{solicitacao.get_absolute_url()}")
    assert solicitacao.cliente_id == cliente.pk

    with page.expect_download() as download:
        page.get_by_role("link", name="Gerar relatório (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.reload()
    assert page.get_by_text("relatorio").first.is_visible()

    page.get_by_role("link", name=f"Página LGPD do cliente #{cliente.pk}").click()
    page.wait_for_url(f"{live_server.url}/lgpd/clientes/{cliente.pk}/")
    page.locator("input[name='bloquear-motivo']").fill("Bloqueio pedido pelo titular")
    page.get_by_role("button", name="Bloquear").click()
    assert page.get_by_text("Cliente bloqueado.").is_visible()

    assert _analyst_results(browser, live_server, analista) == 0
