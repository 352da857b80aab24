"""End-to-end: an analyst registers a client typing a masked CPF, edits it, sees the profile."""

import pytest

from clientes.models import Cliente
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/")


def test_create_edit_and_view_a_client(page, live_server, analista):
    _login(page, live_server, analista)
    page.goto(f"{live_server.url}/clientes/novo/")

    # Typed as digits only: the mask shows it as 529.982.247-25.
    cpf = page.get_by_label("CPF")
    cpf.press_sequentially("52998224725")
    assert cpf.input_value() == "529.982.247-25"
    page.get_by_label("Nome completo").fill("Joana D'Arc <b>Silva</b>")
    page.get_by_label("Data de nascimento").fill("1990-03-15")
    page.get_by_label("E-mail").fill("joana@example.com")
    phone = page.locator("input[name='telefones-0-numero']")
    phone.press_sequentially("11987654321")
    assert phone.input_value() == "(11) 98765-4321"
    page.locator("select[name='telefones-0-tipo']").select_option("celular")
    page.locator("input[name='enderecos-0-cep']").press_sequentially("01310100")
    page.locator("input[name='enderecos-0-logradouro']").fill("Avenida Paulista")
    page.locator("input[name='enderecos-0-numero']").fill("1578")
    page.locator("input[name='enderecos-0-cidade']").fill("São Paulo")
    page.locator("select[name='enderecos-0-uf']").select_option("SP")
    # A second phone row added in the page.
    page.get_by_role("button", name="Adicionar telefone").click()
    page.locator("input[name='telefones-1-numero']").press_sequentially("1133334444")
    page.locator("select[name='telefones-1-tipo']").select_option("fixo")
    page.get_by_role("button", name="Salvar").click()

    cliente = Cliente.objects.get()
    page.wait_for_url(f"{live_server.url}/clientes/{cliente.pk}/")
    assert page.get_by_role("heading", name="Joana D'Arc <b>Silva</b>").is_visible()
    # An Analista sees the CPF masked on the profile (clientes.masking).
    assert page.locator("dd.cpf").inner_text() == "***.982.247-**"
    assert page.get_by_role("link", name="(11) 98765-4321").get_attribute("href") == (
        "tel:+5511987654321"
    )
    assert page.get_by_role("link", name="(11) 3333-4444").is_visible()
    assert page.get_by_text("CEP 01310-100").is_visible()

    page.get_by_role("link", name="Editar").click()
    page.get_by_label("Nome completo").fill("Joana Silva")
    page.get_by_role("button", name="Salvar").click()
    page.wait_for_url(f"{live_server.url}/clientes/{cliente.pk}/")
    assert page.get_by_role("heading", name="Joana Silva").is_visible()
    assert page.get_by_text("Alterações salvas.").is_visible()
    cliente.refresh_from_db()
    assert (cliente.nome_completo, cliente.versao, cliente.telefones.count()) == (
        "Joana Silva", 2, 2,
    )  # fmt: skip


def test_profile_fits_a_phone(page, live_server, analista):
    from clientes import services
    from clientes.tests.factories import cliente_data, endereco_data, telefone_data

    cliente = services.cliente_create(
        actor=analista,
        data=cliente_data(nome_completo="Maria " + "Conceição " * 8),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )
    _login(page, live_server, analista)
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(f"{live_server.url}/clientes/{cliente.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
