import pytest
from django.urls import reverse

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, new_cpf, telefone_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def cliente(analista):
    return services.cliente_create(
        actor=analista,
        data=cliente_data(cpf="529.982.247-25", nome_social="Mari"),
        enderecos=[
            endereco_data(
                principal=False,
                logradouro="Rua Secundária",
                cep="20040020",
                cidade="Rio de Janeiro",
                uf="RJ",
            ),
            endereco_data(),
        ],
        telefones=[
            telefone_data(),
            telefone_data(tipo="fixo", numero="1133334444", principal=False),
        ],
    )


def _management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }


def _form_post(cliente=None, **overrides):
    """A POST body like the browser sends: client fields plus both formsets."""
    body = cliente_data(cpf="111.444.777-35")
    body.update(_management("enderecos"))
    body.update(_management("telefones"))
    body.update({f"enderecos-0-{k}": v for k, v in endereco_data().items()})
    body.update({f"telefones-0-{k}": v for k, v in telefone_data().items()})
    body["enderecos-0-principal"] = "on"
    body["telefones-0-principal"] = "on"
    body.update(overrides)
    return body


def _edit_post(cliente, **overrides):
    body = {
        "cpf": cliente.cpf_formatado, "nome_completo": cliente.nome_completo,
        "nome_social": cliente.nome_social, "data_nascimento": cliente.data_nascimento.isoformat(),
        "sexo": cliente.sexo, "nome_mae": cliente.nome_mae, "email": cliente.email,
        "versao": str(cliente.versao),
    }  # fmt: skip
    enderecos = list(cliente.enderecos.all())
    telefones = list(cliente.telefones.all())
    body.update(_management("enderecos", len(enderecos), len(enderecos)))
    body.update(_management("telefones", len(telefones), len(telefones)))
    for i, e in enumerate(enderecos):
        for field in ("cep", "logradouro", "numero", "complemento", "bairro", "cidade", "uf"):
            body[f"enderecos-{i}-{field}"] = getattr(e, field)
        body[f"enderecos-{i}-id"] = str(e.pk)
        if e.principal:
            body[f"enderecos-{i}-principal"] = "on"
    for i, t in enumerate(telefones):
        body.update({f"telefones-{i}-tipo": t.tipo, f"telefones-{i}-numero": t.numero,
                     f"telefones-{i}-id": str(t.pk)})  # fmt: skip
        if t.principal:
            body[f"telefones-{i}-principal"] = "on"
    body.update(overrides)
    return body


def test_profile_shows_the_full_client_formatted(analista_client, cliente):
    response = analista_client.get(reverse("clientes:detail", args=[cliente.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # An Analista has no "ver CPF completo": masked (clientes.masking).
    assert "***.982.247-**" in html and "529.982.247-25" not in html
    assert "Mari" in html and "Ana Souza" in html and "17/05/1980" in html
    assert 'href="tel:+5511998765432"' in html and "(11) 99876-5432" in html
    assert "(11) 3333-4444" in html
    assert 'href="mailto:maria@example.com"' in html
    assert "01310-100" in html and "20040-020" in html
    # Principal address first.
    assert html.index("Avenida Paulista") < html.index("Rua Secundária")
    assert "Histórico" in html and "Analista" in html  # created by


def test_profile_queries_are_bounded(analista_client, cliente, django_assert_max_num_queries):
    url = reverse("clientes:detail", args=[cliente.pk])
    # + the audit event (one INSERT), the client's history (one SELECT) and the
    # records merged into it (one SELECT, their histories only if there are any)
    with django_assert_max_num_queries(11):
        analista_client.get(url)


def test_profile_escapes_hostile_text(analista_client, analista):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    cliente = services.cliente_create(
        actor=analista,
        data=cliente_data(nome_completo=hostile, nome_mae=hostile, email=""),
        enderecos=[endereco_data(logradouro=hostile, complemento="\"'><b>")],
    )
    html = analista_client.get(reverse("clientes:detail", args=[cliente.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_profile_of_unknown_client_is_404(analista_client):
    assert analista_client.get(reverse("clientes:detail", args=[999999])).status_code == 404


def test_create_through_the_form_with_masked_identifiers(analista_client, analista):
    response = analista_client.post(reverse("clientes:create"), _form_post())
    cliente = Cliente.objects.get()
    assert response.status_code == 302 and response["Location"] == cliente.get_absolute_url()
    assert cliente.cpf == "11144477735" and cliente.created_by == analista
    assert cliente.enderecos.get().cep == "01310100"
    assert cliente.telefones.get().numero == "11998765432"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cpf": "111.444.777-36"}, "cpf", "dígitos verificadores"),
        ({"data_nascimento": "2999-01-01"}, "data_nascimento", "futuro"),
        ({"data_nascimento": "1800-01-01"}, "data_nascimento", "130"),
        ({"email": "x@"}, "email", "email válido"),
        ({"nome_completo": "A" * 300}, "nome_completo", "255"),
        ({"enderecos-0-uf": "XX"}, "uf", "não é uma das escolhas disponíveis"),
        ({"enderecos-0-cep": "123"}, "cep", "CEP deve ter 8 dígitos"),
        ({"telefones-0-numero": "(11) 8888-88"}, "numero", "DDD e 8 ou 9 dígitos"),
    ],
)
def test_create_form_shows_pt_br_field_errors_and_saves_nothing(
    analista_client, overrides, field, message
):
    response = analista_client.post(reverse("clientes:create"), _form_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Cliente.objects.exists()


def test_create_form_refuses_duplicate_cpf(analista_client, cliente):
    response = analista_client.post(reverse("clientes:create"), _form_post(cpf="52998224725"))
    assert response.status_code == 400
    assert "Já existe um cliente com este CPF." in response.content.decode()
    assert Cliente.objects.count() == 1


def test_create_form_refuses_two_principal_addresses(analista_client):
    body = _form_post()
    body.update(_management("enderecos", total=2))
    body.update({f"enderecos-1-{k}": v for k, v in endereco_data(logradouro="Rua 2").items()})
    body["enderecos-1-principal"] = "on"
    response = analista_client.post(reverse("clientes:create"), body)
    assert response.status_code == 400
    assert "Marque apenas um endereço como principal." in response.content.decode()


def test_edit_form_saves_changes_and_deletes_a_row(analista_client, cliente):
    body = _edit_post(cliente, nome_completo="Maria C. Souza", **{"telefones-1-DELETE": "on"})
    response = analista_client.post(reverse("clientes:update", args=[cliente.pk]), body)
    assert response.status_code == 302
    cliente.refresh_from_db()
    assert cliente.nome_completo == "Maria C. Souza" and cliente.versao == 2
    assert list(cliente.telefones.values_list("numero", flat=True)) == ["11998765432"]


def test_edit_form_refuses_a_lost_update(client, analista, gerente, cliente):
    """Two users open the form; the second save is refused, nothing overwritten."""
    client.force_login(gerente)
    first = _edit_post(cliente, nome_completo="Editado pelo Gerente")
    second = _edit_post(cliente, nome_completo="Editado pela Analista")
    assert client.post(reverse("clientes:update", args=[cliente.pk]), first).status_code == 302

    client.force_login(analista)
    response = client.post(reverse("clientes:update", args=[cliente.pk]), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "foi alterado por Gerente às" in html and "Recarregue a página" in html
    cliente.refresh_from_db()
    assert cliente.nome_completo == "Editado pelo Gerente"


def test_deactivate_and_reactivate_through_the_pages(analista_client, cliente):
    url = reverse("clientes:deactivate", args=[cliente.pk])
    assert analista_client.get(url).status_code == 200
    missing = analista_client.post(url, {"motivo_inativacao": "", "versao": cliente.versao})
    assert missing.status_code == 400 and "obrigatório" in missing.content.decode()
    response = analista_client.post(url, {"motivo_inativacao": "Pedido do cliente", "versao": 1})
    assert response.status_code == 302
    cliente.refresh_from_db()
    assert not cliente.ativo and cliente.motivo_inativacao == "Pedido do cliente"
    profile = analista_client.get(cliente.get_absolute_url()).content.decode()
    assert "Inativo" in profile and "Pedido do cliente" in profile

    analista_client.post(reverse("clientes:reactivate", args=[cliente.pk]))
    cliente.refresh_from_db()
    assert cliente.ativo and cliente.motivo_inativacao == ""


def test_delete_needs_explicit_confirmation(admin_client_, cliente):
    url = reverse("clientes:delete", args=[cliente.pk])
    assert admin_client_.get(url).status_code == 200
    assert admin_client_.post(url, {}).status_code == 400
    assert Cliente.objects.filter(pk=cliente.pk).exists()
    assert admin_client_.post(url, {"confirmar": "on"}).status_code == 302
    assert not Cliente.objects.filter(pk=cliente.pk).exists()


# Role x route -> status. Anonymous users are sent to the login page.
ROUTES = [
    ("get", "clientes:detail"),
    ("get", "clientes:create"),
    ("get", "clientes:update"),
    ("get", "clientes:deactivate"),
    ("post", "clientes:reactivate"),
    ("get", "clientes:delete"),
    ("post", "clientes:delete"),
]
EXPECTED = {
    "analista": [200, 200, 200, 200, 302, 403, 403],
    "gerente": [200, 200, 200, 200, 302, 403, 403],
    "administrador": [200, 200, 200, 200, 302, 200, 400],
    None: [302] * 7,
}


@pytest.mark.parametrize("role", ["analista", "gerente", "administrador", None])
def test_permissions_per_role(client, request, role, cliente):
    if role:
        client.force_login(request.getfixturevalue(role))
    for (method, name), expected in zip(ROUTES, EXPECTED[role], strict=True):
        args = [] if name == "clientes:create" else [cliente.pk]
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == expected, (role, name, method)
        if role is None:
            assert response["Location"].startswith(reverse("accounts:login"))


def test_user_without_role_gets_403(client, django_user_model, cliente):
    user = django_user_model.objects.create_user(email="semrole@teste.com.br", password="x")
    client.force_login(user)
    assert client.get(reverse("clientes:detail", args=[cliente.pk])).status_code == 403
    assert client.post(reverse("clientes:create"), _form_post(cpf=new_cpf())).status_code == 403
    assert Cliente.objects.count() == 1


def test_service_errors_land_next_to_the_right_row(cliente):
    """A rule only the service can check (inside its transaction) still shows in place."""
    from django.core.exceptions import ValidationError

    from clientes.forms import ClienteForm, EnderecoInlineFormSet, TelefoneInlineFormSet
    from clientes.views import _attach_errors

    data = _edit_post(cliente)
    form = ClienteForm(data, instance=cliente)
    enderecos = EnderecoInlineFormSet(data, instance=cliente, prefix="enderecos")
    telefones = TelefoneInlineFormSet(data, instance=cliente, prefix="telefones")
    assert form.is_valid() and enderecos.is_valid() and telefones.is_valid()
    _items, end_forms = enderecos.service_items()
    _items, tel_forms = telefones.service_items()
    error = ValidationError(
        {
            "cpf": [ValidationError("Já existe um cliente com este CPF.", code="cpf_duplicado")],
            "enderecos.1.cep": [ValidationError("CEP ruim.", code="cep_invalid")],
            "telefones": [ValidationError("Só um principal.", code="principal_multiplo")],
            "__all__": [ValidationError("Geral.", code="x")],
        }
    )
    _attach_errors(error, form, (enderecos, end_forms), (telefones, tel_forms))
    assert form.errors["cpf"] == ["Já existe um cliente com este CPF."]
    assert end_forms[1].errors["cep"] == ["CEP ruim."] and not end_forms[0].errors
    assert telefones.non_form_errors() == ["Só um principal."]
    assert form.non_field_errors() == ["Geral."]


def test_deactivate_over_a_newer_version_is_refused(analista_client, cliente):
    services.cliente_update(actor=None, id_cliente=cliente.pk, versao=1, data={"nome_social": "N"})
    url = reverse("clientes:deactivate", args=[cliente.pk])
    response = analista_client.post(url, {"motivo_inativacao": "Pedido", "versao": "1"})
    assert response.status_code == 409
    assert "Recarregue a página" in response.content.decode()
    cliente.refresh_from_db()
    assert cliente.ativo


@pytest.mark.parametrize("versao", [None, "", "abc", "0"])
def test_deactivate_without_a_valid_version_is_refused(analista_client, cliente, versao):
    # A crafted form without "versao" must not skip the lost-update check.
    url = reverse("clientes:deactivate", args=[cliente.pk])
    data = {"motivo_inativacao": "Pedido"}
    if versao is not None:
        data["versao"] = versao
    response = analista_client.post(url, data)
    assert response.status_code == 400
    assert "Recarregue a página" in response.content.decode()
    cliente.refresh_from_db()
    assert cliente.ativo and cliente.versao == 1
