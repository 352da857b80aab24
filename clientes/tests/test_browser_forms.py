"""End-to-end: the client form after a failed save, and the CEP lookup (issue #21)."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from clientes.tests.search_fixtures import CPF_JOAO, search_clients
from config.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def form_page(page, live_server, analista):
    log_in(page, live_server, analista)
    page.goto(f"{live_server.url}/clientes/novo/")
    return page


def test_a_failed_save_focuses_a_summary_that_leads_to_each_field(form_page):
    page = form_page
    expect(page.locator("label[for=id_nome_completo] abbr.required")).to_have_count(1)
    # A new row has nothing to remove: "Remover" is for saved rows.
    expect(page.locator("input[name='telefones-0-DELETE']")).to_have_count(0)
    page.get_by_role("button", name="Salvar").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nome completo")
    # Every id that aria-describedby names exists on the page.
    missing = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
             el.getAttribute('aria-describedby').split(/\\s+/)
               .filter(id => id && !document.getElementById(id)))"""
    )
    assert missing == []
    summary.get_by_role("link", name=re.compile("^Nome completo")).click()
    expect(page.locator("#id_nome_completo")).to_be_focused()


def test_duplicate_cpf_links_to_the_client_that_has_it(form_page):
    page = form_page
    joao = search_clients()["joao"]
    page.get_by_label("CPF").press_sequentially(CPF_JOAO)
    page.get_by_label("Nome completo").fill("Outro Nome")
    page.get_by_role("button", name="Salvar").click()
    expect(page.locator("#id_cpf_error")).to_contain_text("Já existe um cliente com este CPF")
    link = page.get_by_role("link", name="Abrir o cadastro de João da Silva Santos")
    expect(link).to_have_attribute("href", f"/clientes/{joao.pk}/")


@pytest.fixture
def address_service(settings):
    """A local ViaCEP-compatible service; its URL goes to CEP_SERVICE_URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = {"erro": True}
            if self.path == "/ws/01310100/json/":
                body = {"uf": "SP", "localidade": "São Paulo", "logradouro": "Avenida Paulista",
                        "bairro": "Bela Vista"}  # fmt: skip
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CEP_SERVICE_URL = f"http://127.0.0.1:{server.server_port}/ws/{{cep}}/json/"
    yield
    server.shutdown()
    server.server_close()


def test_cep_fills_the_uf_from_the_ranges_when_no_service_is_configured(form_page, settings):
    settings.CEP_SERVICE_URL = ""
    page = form_page
    page.locator("input[name='enderecos-0-cep']").press_sequentially("74000000")
    expect(page.locator("select[name='enderecos-0-uf']")).to_have_value("GO")
    expect(page.locator("input[name='enderecos-0-cidade']")).to_have_value("")


def test_cep_fills_city_and_street_from_the_address_service(form_page, address_service):
    page = form_page
    page.locator("input[name='enderecos-0-cep']").press_sequentially("01310100")
    expect(page.locator("select[name='enderecos-0-uf']")).to_have_value("SP")
    expect(page.locator("input[name='enderecos-0-cidade']")).to_have_value("São Paulo")
    expect(page.locator("input[name='enderecos-0-logradouro']")).to_have_value("Avenida Paulista")


def test_cep_service_offline_still_fills_the_uf_silently(form_page, settings):
    settings.CEP_SERVICE_URL = "http://127.0.0.1:9/ws/{cep}/json/"  # nothing listens there
    page = form_page
    page.locator("input[name='enderecos-0-cep']").press_sequentially("90000000")
    expect(page.locator("select[name='enderecos-0-uf']")).to_have_value("RS")
    expect(page.locator("input[name='enderecos-0-cidade']")).to_have_value("")
    expect(page.locator(".form-errors")).to_have_count(0)
