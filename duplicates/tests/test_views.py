"""The /clientes/duplicados/ screen: roles, list, comparison, merge, dismissal, warnings."""

from datetime import date

import pytest
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from clientes.models import Cliente
from clientes.tests.factories import cliente_data
from duplicates.models import ParDuplicado
from duplicates.services import duplicates_refresh
from duplicates.tests.helpers import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    a = make(nome="Paulo Roberto Nunes", email="", telefones=["11976543210"])
    b = make(nome="Paulo Roberto Nunes", email="paulo@ex.com.br", telefones=["21988887777"])
    duplicates_refresh()
    return a, b, ParDuplicado.objects.get()


def _routes(pk):
    return [
        ("get", reverse("duplicates:list")),
        ("get", reverse("duplicates:compare", args=[pk])),
        ("post", reverse("duplicates:refresh")),
        ("post", reverse("duplicates:dismiss", args=[pk])),
        ("post", reverse("duplicates:merge", args=[pk])),
    ]


@pytest.mark.parametrize("role", ["analista", "encarregado"])
def test_other_roles_get_403_everywhere(request, client, pair, role):
    client.force_login(request.getfixturevalue(role))
    for method, url in _routes(pair[2].pk):
        assert getattr(client, method)(url).status_code == 403, url
    assert ParDuplicado.objects.get().dispensado_em is None


def test_anonymous_goes_to_login(client, pair):
    for method, url in _routes(pair[2].pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/conta/" in response["Location"]


@pytest.mark.parametrize("role", ["gerente", "administrador"])
def test_list_shows_pairs_by_score_with_reasons(request, client, pair, role):
    par = pair[2]
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("duplicates:list")).content.decode()
    assert "Mesmo nome e data de nascimento" in html
    assert reverse("duplicates:compare", args=[par.pk]) in html


def test_compare_shows_both_side_by_side_and_is_audited(client, gerente, pair):
    a, b, par = pair
    client.force_login(gerente)
    html = client.get(reverse("duplicates:compare", args=[par.pk])).content.decode()
    assert "paulo@ex.com.br" in html and "(21) 98888-7777" in html and "(11) 97654-3210" in html
    viewed = AuditEvent.objects.filter(action=Action.CLIENTE_VIEW).values_list(
        "target_id", flat=True
    )
    assert set(viewed) == {str(a.pk), str(b.pk)}


def test_merge_from_the_screen_keeps_the_chosen_values(client, gerente, pair):
    a, b, par = pair
    client.force_login(gerente)
    response = client.post(
        reverse("duplicates:merge", args=[par.pk]),
        {
            "campo_cpf": b.pk,  # B's CPF stays: B is the survivor
            "campo_nome_completo": a.pk,
            "campo_email": b.pk,
            f"versao_{a.pk}": a.versao,
            f"versao_{b.pk}": b.versao,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clientes:detail", args=[b.pk])
    survivor = Cliente.objects.get(pk=b.pk)
    assert survivor.email == "paulo@ex.com.br"
    assert sorted(survivor.telefones.values_list("numero", flat=True)) == [
        "11976543210", "21988887777",
    ]  # fmt: skip
    assert Cliente.objects.get(pk=a.pk).merged_into_id == b.pk
    page = client.get(reverse("clientes:search"), {"q": "Paulo Roberto"}).content.decode()
    assert reverse("clientes:detail", args=[a.pk]) not in page
    assert reverse("clientes:detail", args=[b.pk]) in page


def test_stale_screen_merges_nothing(client, gerente, pair):
    a, b, par = pair
    client.force_login(gerente)
    response = client.post(
        reverse("duplicates:merge", args=[par.pk]),
        {"campo_cpf": a.pk, f"versao_{a.pk}": a.versao, f"versao_{b.pk}": b.versao - 1},
    )
    assert response.status_code == 409
    assert f"Cliente nº {b.pk}" in response.content.decode()
    assert Cliente.objects.get(pk=b.pk).merged_into_id is None


def test_not_a_duplicate_dismisses_for_good(client, gerente, pair):
    par = pair[2]
    client.force_login(gerente)
    response = client.post(reverse("duplicates:dismiss", args=[par.pk]))
    assert response.status_code == 302
    duplicates_refresh(full=True)
    html = client.get(reverse("duplicates:list")).content.decode()
    assert "Nenhum provável duplicado encontrado." in html
    assert ParDuplicado.objects.get().dispensado_por == gerente
    assert AuditEvent.objects.filter(action=Action.DUPLICADO_DISMISS).count() == 1


def test_refresh_button_runs_the_task(client, gerente):
    make(nome="Ana Paula Ferreira", nascimento=date(1990, 1, 2))
    make(nome="Ana Paula Ferreira", nascimento=date(1990, 1, 2))
    client.force_login(gerente)
    client.post(reverse("duplicates:refresh"))  # Celery eager in tests
    assert ParDuplicado.objects.count() == 1


def _form(data):
    form = {
        **data,
        "enderecos-TOTAL_FORMS": "0", "enderecos-INITIAL_FORMS": "0",
        "telefones-TOTAL_FORMS": "0", "telefones-INITIAL_FORMS": "0",
    }  # fmt: skip
    return form


def test_create_form_warns_with_a_link_and_masked_cpf(client, analista):
    existing = make(nome="Maria da Conceição Souza", nascimento=date(1980, 5, 17))
    client.force_login(analista)
    response = client.post(reverse("clientes:create"), _form(cliente_data()), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cliente cadastrado." in html
    assert "Possível duplicado de" in html
    assert reverse("clientes:detail", args=[existing.pk]) in html
    assert existing.cpf not in html.replace(".", "").replace("-", "")  # masked for an Analista
    assert Cliente.objects.count() == 2  # not blocked


def test_create_without_a_match_shows_no_warning(client, analista):
    make(nome="Pedro Henrique Dias", nascimento=date(1988, 8, 8))
    client.force_login(analista)
    response = client.post(reverse("clientes:create"), _form(cliente_data()), follow=True)
    assert "Possível duplicado" not in response.content.decode()
