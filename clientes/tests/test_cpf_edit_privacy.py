"""Edit and deactivate pages, and API writes, for users who see masked CPFs (#13 §1)."""

import json

import pytest
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from clientes.tests.test_views import _edit_post

pytestmark = pytest.mark.django_db

CPF = "52998224725"
FULL = ("529.982.247-25", CPF)


@pytest.fixture
def cliente():
    return services.cliente_create(
        actor=None,
        data=cliente_data(cpf=CPF),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


def _views(cliente):
    return AuditEvent.objects.filter(action=Action.CLIENTE_VIEW, target_id=str(cliente.pk))


@pytest.mark.parametrize("name", ["clientes:update", "clientes:deactivate"])
def test_analista_sees_a_masked_cpf_and_the_view_is_audited(client, analista, cliente, name):
    client.force_login(analista)
    response = client.get(reverse(name, args=[cliente.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "***.982.247-**" in html
    assert not any(full in html for full in FULL)
    assert _views(cliente).filter(actor_id=analista.pk).count() == 1


def test_edit_page_cpf_is_read_only_for_analista(client, analista, cliente):
    client.force_login(analista)
    html = client.get(reverse("clientes:update", args=[cliente.pk])).content.decode()
    field = html[html.index('name="cpf"') - 200 : html.index('name="cpf"') + 200]
    assert "disabled" in field and 'data-mask="cpf"' not in field


def test_gerente_edits_the_full_cpf(client, gerente, cliente):
    client.force_login(gerente)
    html = client.get(reverse("clientes:update", args=[cliente.pk])).content.decode()
    assert 'value="529.982.247-25"' in html
    response = client.post(
        reverse("clientes:update", args=[cliente.pk]), _edit_post(cliente, cpf="111.444.777-35")
    )
    assert response.status_code == 302
    assert Cliente.objects.get(pk=cliente.pk).cpf == "11144477735"


def test_analista_saving_the_form_keeps_the_cpf(client, analista, cliente):
    client.force_login(analista)
    url = reverse("clientes:update", args=[cliente.pk])
    # What the browser sends for a disabled field (nothing), then a crafted CPF.
    for body in (
        {k: v for k, v in _edit_post(cliente, nome_social="Mari").items() if k != "cpf"},
        _edit_post(cliente, cpf="111.444.777-35", nome_social="Mari", versao="2"),
    ):
        response = client.post(url, body)
        assert response.status_code == 302, response.content.decode()
    cliente.refresh_from_db()
    assert (cliente.cpf, cliente.nome_social, cliente.versao) == (CPF, "Mari", 3)


def test_the_service_refuses_a_cpf_change_by_analista(analista, cliente):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cliente_update(
            actor=analista, id_cliente=cliente.pk, versao=1, data={"cpf": "11144477735"}
        )
    assert Cliente.objects.get(pk=cliente.pk).cpf == CPF


def _send(client, method, cliente, body):
    return getattr(client, method)(
        f"/api/v1/clients/{cliente.pk}/",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": f'"{cliente.versao}"'},
    )


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("cpf", ["111.444.777-35", "529.982.247-25"])  # another, or the same
def test_api_write_of_cpf_without_the_permission_is_403(client, analista, cliente, method, cpf):
    client.force_login(analista)
    response = _send(client, method, cliente, {"cpf": cpf, "nome_completo": "Maria Souza"})
    assert response.status_code == 403
    assert "permissão para alterar o CPF" in response.json()["errors"][0]["detail"]
    cliente.refresh_from_db()
    assert (cliente.cpf, cliente.versao) == (CPF, 1)


def test_api_put_without_cpf_keeps_it_for_analista(client, analista, cliente):
    client.force_login(analista)
    response = _send(client, "put", cliente, {"nome_completo": "Maria Souza"})
    assert response.status_code == 200, response.content
    assert response.json()["cpf"] == "***.982.247-**"
    cliente.refresh_from_db()
    assert (cliente.cpf, cliente.nome_completo) == (CPF, "Maria Souza")


def test_api_gerente_changes_the_cpf(client, gerente, cliente):
    client.force_login(gerente)
    response = _send(client, "patch", cliente, {"cpf": "111.444.777-35"})
    assert response.status_code == 200, response.content
    assert Cliente.objects.get(pk=cliente.pk).cpf == "11144477735"
