import pytest

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin_client_, administrador):
    # Admin site access is the staff flag (set for administrators by user management).
    administrador.is_staff = True
    administrador.save(update_fields=["is_staff"])
    return admin_client_


def _inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_lists_searches_and_filters(admin_client_, analista):
    cliente = services.cliente_create(
        actor=analista, data=cliente_data(cpf="52998224725"), enderecos=[endereco_data()]
    )
    url = "/admin/clientes/cliente/"
    found = admin_client_.get(url, {"q": "52998224725"})
    assert found.status_code == 200 and "529.982.247-25" in found.content.decode()
    assert admin_client_.get(url, {"ativo__exact": "0"}).context["cl"].result_count == 0
    change = admin_client_.get(f"{url}{cliente.pk}/change/")
    assert change.status_code == 200 and "Avenida Paulista" in change.content.decode()


def test_admin_add_goes_through_the_service(admin_client_, administrador):
    body = {
        **cliente_data(cpf="111.444.777-35"),
        "ativo": "on",
        "motivo_inativacao": "",
        **_inline_management("enderecos", total=1),
        **_inline_management("telefones"),
        **{f"enderecos-0-{k}": v for k, v in endereco_data(cep="01310100").items()},
    }
    response = admin_client_.post("/admin/clientes/cliente/add/", body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cliente = Cliente.objects.get()
    assert cliente.cpf == "11144477735" and cliente.created_by == administrador
    assert cliente.enderecos.get().principal


def test_admin_refuses_a_stale_edit_and_deletes_through_the_service(admin_client_, analista):
    cliente = services.cliente_create(actor=analista, data=cliente_data())
    services.cliente_update(
        actor=analista, id_cliente=cliente.pk, versao=1, data={"nome_social": "X"}
    )
    body = {
        **cliente_data(cpf=cliente.cpf, nome_completo="Admin"),
        "ativo": "on",
        "versao_lida": "1",
        **_inline_management("enderecos"),
        **_inline_management("telefones"),
    }
    response = admin_client_.post(f"/admin/clientes/cliente/{cliente.pk}/change/", body)
    assert response.status_code == 200
    assert "foi alterado por outra pessoa" in response.content.decode()
    cliente.refresh_from_db()
    assert cliente.nome_completo != "Admin"

    response = admin_client_.post(f"/admin/clientes/cliente/{cliente.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Cliente.objects.exists()


def test_analyst_cannot_use_the_admin(analista_client):
    response = analista_client.get("/admin/clientes/cliente/")
    assert response.status_code == 302  # not staff: sent to the admin login


def test_admin_offers_no_bulk_delete_of_clients(admin_client_, analista):
    cliente = services.cliente_create(actor=analista, data=cliente_data())
    page = admin_client_.get("/admin/clientes/cliente/").content.decode()
    assert 'value="delete_selected"' not in page
    response = admin_client_.post(
        "/admin/clientes/cliente/",
        {"action": "delete_selected", "_selected_action": [cliente.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Cliente.objects.filter(pk=cliente.pk).exists()


def test_admin_carries_the_product_name_in_portuguese(admin_client_):
    page = admin_client_.get("/admin/").content.decode()
    assert "Gestão de Clientes — Administração" in page
    assert "Django administration" not in page and "Administração do Django" not in page
