"""The search screen at /clientes/: permissions, rendering, HTMX partial, errors."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.system_settings import current_settings
from clientes.tests.search_fixtures import CPF_JOAO, search_clients

URL = reverse("clientes:search")


@pytest.fixture
def clientes(db):
    return search_clients()


def test_anonymous_users_go_to_login(client, db):
    response = client.get(URL, {"q": "maria"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_users_without_the_permission_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user(email="x@teste.com.br", password="x" * 12)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_arrival_shows_the_box_focused_and_what_to_do(analista_client):
    response = analista_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html and "autofocus" in html
    assert "Digite um CPF, nome, telefone ou e-mail para começar." in html


def test_analyst_sees_results_with_masked_cpf(analista_client, clientes):
    response = analista_client.get(URL, {"q": "joao silva"})
    html = response.content.decode()
    assert "João da Silva Santos" in html
    assert "***.982.247-**" in html and "529.982.247-25" not in html
    assert "1 cliente encontrado" in html
    assert "São Paulo/SP" in html and "40 anos" in html


def test_a_full_cpf_search_works_for_analysts_too(analista_client, clientes):
    response = analista_client.get(URL, {"q": "529.982.247-25"}, follow=True)
    assert "João da Silva Santos" in response.content.decode()


def test_results_mask_the_cpf_even_for_a_manager(client, gerente, clientes):
    # Lists never show the full CPF (clientes.masking); the profile does, per role.
    client.force_login(gerente)
    html = client.get(URL, {"q": "joao"}).content.decode()
    assert "***.982.247-**" in html and "529.982.247-25" not in html


def test_htmx_typing_gets_only_the_results_partial(analista_client, clientes):
    response = analista_client.get(
        URL, {"q": "maria"}, headers={"HX-Request": "true", "HX-Target": "resultados"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="resultados"')
    assert "<html" not in html and "Maria Silva" in html and "Maria Conceição" in html


def test_htmx_link_clicks_get_the_whole_page(analista_client, clientes):
    response = analista_client.get(
        URL, {"q": "maria", "uf": "GO"}, headers={"HX-Request": "true", "HX-Target": "busca"}
    )
    html = response.content.decode()
    assert '<div id="busca"' in html
    assert "Maria Conceição" in html and "Maria Silva" not in html
    assert '<option value="GO" selected>' in html  # the form reflects the URL


def test_categories_link_to_a_narrower_search(analista_client, clientes):
    html = analista_client.get(URL, {"q": "maria"}).content.decode()
    # The UF category counts principal addresses, and asks for them.
    assert 'href="/clientes/?q=maria&amp;uf=GO&amp;endereco=principal"' in html
    assert 'href="/clientes/?q=maria&amp;idade_min=18&amp;idade_max=29"' in html
    assert 'href="/clientes/?q=maria&amp;idade_min=60"' not in html  # empty categories hidden


def test_sort_headers_toggle_direction(analista_client, clientes):
    html = analista_client.get(URL, {"q": "maria", "ordering": "nome_completo"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="/clientes/?q=maria&amp;ordering=-nome_completo"' in html


def test_no_results_suggests_names(analista_client, clientes):
    html = analista_client.get(URL, {"q": "maria sliva"}).content.decode()
    assert "Nenhum cliente encontrado." in html
    assert "Você quis dizer:" in html and 'href="/clientes/?q=maria+silva"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"idade_min": 50, "idade_max": 20}, "A idade máxima deve ser maior ou igual"),
        ({"size": 1000}, "Itens por página: O tamanho da página deve ser um número entre 10 e"),
        ({"page": 0}, "A página deve ser um número inteiro a partir de 1."),
        ({"ordering": "password"}, "Ordenação:"),
        ({"nome": "x" * 10_000}, "Nome:"),
        ({"cpf": "abc"}, "CPF deve ter até 11 dígitos"),
    ],
)
def test_bad_input_is_a_400_that_says_what_was_wrong(analista_client, clientes, params, message):
    response = analista_client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_hostile_text_is_escaped(analista_client, clientes):
    response = analista_client.get(URL, {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    analista_client, clientes, django_assert_max_num_queries
):
    current_settings()  # Configurações (the bulk actions' switch): read once per process
    # 12 + the search's audit event (one INSERT) + the saved searches menu
    with django_assert_max_num_queries(14):
        analista_client.get(URL, {"q": "maria"})


def test_full_cpf_permission_does_not_unmask_lists(client, analista, clientes):
    analista.user_permissions.add(Permission.objects.get(codename="view_cpf_completo"))
    client.force_login(analista)
    assert CPF_JOAO[:3] + "." not in client.get(URL, {"q": "joao"}).content.decode()


def test_one_client_with_a_full_cpf_opens_the_profile(analista_client, gerente, clientes):
    profile = reverse("clientes:detail", args=[clientes["joao"].id_cliente])
    response = analista_client.get(URL, {"q": "529.982.247-25"})
    assert (response.status_code, response["Location"]) == (302, profile)
    htmx = analista_client.get(
        URL, {"q": "52998224725"}, headers={"HX-Request": "true", "HX-Target": "resultados"}
    )
    assert htmx["HX-Redirect"] == profile
    # A partial CPF lists the matches instead (for who may search CPF prefixes).
    assert analista_client.get(URL, {"q": "529.982"}).status_code == 400
    manager = Client()
    manager.force_login(gerente)
    assert manager.get(URL, {"q": "529.982"}).status_code == 200


def test_result_rows_link_to_the_profile(analista_client, clientes):
    html = analista_client.get(URL, {"q": "joao"}).content.decode()
    profile = reverse("clientes:detail", args=[clientes["joao"].id_cliente])
    assert f'href="{profile}?volta=q%3Djoao"' in html  # and back to this search


def test_new_client_link_only_for_who_may_create(analista_client, client, django_user_model):
    new_url = reverse("clientes:create")
    assert f'href="{new_url}"' in analista_client.get(URL).content.decode()

    viewer = django_user_model.objects.create_user(email="leitor@teste.com.br", password="x" * 12)
    viewer.user_permissions.add(Permission.objects.get(codename="view_cliente"))
    client.force_login(viewer)
    response = client.get(URL)
    assert response.status_code == 200
    assert f'href="{new_url}"' not in response.content.decode()
