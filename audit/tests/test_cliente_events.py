"""Client operations leave a trail; CPFs show per role (clientes.masking)."""

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from audit.choices import Action
from audit.middleware import REQUEST_ID_HEADER
from audit.models import AuditEvent
from clientes import services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from common.br import format_cpf, mask_cpf

pytestmark = pytest.mark.django_db

API = "/api/v1/clients/"


@pytest.fixture
def cliente(analista):
    return services.cliente_create(
        actor=analista,
        data=cliente_data(email="antes@example.com"),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


@pytest.fixture
def gerente_client_(client, gerente):
    client.force_login(gerente)
    return client


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_create_records_the_new_values_with_the_cpf_masked(cliente, analista):
    (event,) = _events(Action.CLIENTE_CREATE)
    assert (event.actor_email, event.target_type, event.target_id) == (
        analista.email,
        "clientes.cliente",
        str(cliente.pk),
    )
    changes = event.details["changes"]
    assert changes["cpf"] == {"before": None, "after": mask_cpf(cliente.cpf)}
    assert changes["enderecos"]["after"][0]["cidade"] == "São Paulo"
    assert cliente.cpf not in str(event.details) + event.target_label


def test_update_records_a_field_level_diff(cliente, gerente):
    services.cliente_update(
        actor=gerente,
        id_cliente=cliente.pk,
        versao=cliente.versao,
        data={"email": "depois@example.com"},
        telefones=[telefone_data(numero="(21) 3333-4444", tipo="fixo")],
    )
    (event,) = _events(Action.CLIENTE_UPDATE)
    assert event.actor_email == gerente.email
    changes = event.details["changes"]
    assert changes["email"] == {"before": "antes@example.com", "after": "depois@example.com"}
    assert changes["telefones"]["after"][0]["numero"] == "2133334444"
    assert set(changes) == {"email", "telefones"}  # nothing else changed


def test_deactivate_reactivate_and_delete(cliente, administrador):
    services.cliente_deactivate(actor=administrador, id_cliente=cliente.pk, motivo="Óbito")
    services.cliente_reactivate(actor=administrador, id_cliente=cliente.pk)
    services.cliente_delete(actor=administrador, id_cliente=cliente.pk)
    assert _events(Action.CLIENTE_DEACTIVATE)[0].details == {"motivo": "Óbito"}
    assert len(_events(Action.CLIENTE_REACTIVATE)) == 1
    deleted = _events(Action.CLIENTE_DELETE)[0]
    assert deleted.target_id == str(cliente.pk)
    assert deleted.details["deleted"]["cpf"] == mask_cpf(cliente.cpf)


def test_a_refused_write_records_nothing(cliente, analista):
    with pytest.raises(services.ClienteAlteradoError):
        services.cliente_update(
            actor=analista, id_cliente=cliente.pk, versao=cliente.versao - 1, data={"email": ""}
        )
    assert not _events(Action.CLIENTE_UPDATE)


def test_a_change_whose_event_cannot_be_written_is_not_saved(cliente, analista):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    with pytest.raises(DatabaseError):
        services.cliente_update(
            actor=analista,
            id_cliente=cliente.pk,
            versao=cliente.versao,
            data={"email": "nunca@example.com"},
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_insert ON audit_auditevent")
    cliente.refresh_from_db()
    assert cliente.email == "antes@example.com"


def test_profile_view_is_recorded_with_the_request_id_of_the_page(analista_client, cliente):
    response = analista_client.get(reverse("clientes:detail", args=[cliente.pk]))
    (event,) = _events(Action.CLIENTE_VIEW)
    assert event.request_id == response[REQUEST_ID_HEADER]
    assert (event.channel, event.target_id) == ("web", str(cliente.pk))


@pytest.mark.parametrize(("role", "sees_views"), [("analista", False), ("administrador", True)])
def test_profile_history_shows_changes_and_views_only_to_administrators(
    client, request, cliente, role, sees_views
):
    client.force_login(request.getfixturevalue(role))
    url = reverse("clientes:detail", args=[cliente.pk])
    client.get(url)
    historico = client.get(url).context["historico"]
    actions = {event.action for event in historico}
    assert Action.CLIENTE_CREATE in actions
    assert (Action.CLIENTE_VIEW in actions) is sees_views


def test_api_profile_and_search_are_recorded(client, analista, cliente):
    client.force_login(analista)
    client.get(f"{API}{cliente.pk}/")
    client.get(API, {"cpf": format_cpf(cliente.cpf)})
    (view,) = _events(Action.CLIENTE_VIEW)
    assert (view.channel, view.target_id) == ("api", str(cliente.pk))
    (search,) = _events(Action.CLIENTE_SEARCH)
    assert (search.details["resultados"], search.details["contagem_exata"]) == (1, False)
    assert search.details["filtros"] == {"cpf": mask_cpf(cliente.cpf)}  # never the full CPF


@pytest.mark.parametrize(
    ("role", "profile_full"),
    [("analista", False), ("gerente", True), ("administrador", True)],
)
def test_cpf_per_role_on_profile_api_profile_and_lists(
    client, request, cliente, role, profile_full
):
    client.force_login(request.getfixturevalue(role))
    full, masked = format_cpf(cliente.cpf), mask_cpf(cliente.cpf)
    expected = full if profile_full else masked

    page = client.get(reverse("clientes:detail", args=[cliente.pk])).content.decode()
    assert expected in page and (full in page) is profile_full

    detail = client.get(f"{API}{cliente.pk}/").json()
    assert detail["cpf_formatado"] == expected
    assert (detail["cpf"] == cliente.cpf) is profile_full

    listed = client.get(API, {"cpf": cliente.cpf}).json()["results"]
    assert [row["cpf"] for row in listed] == [masked]  # lists: masked for everyone


def test_profile_history_lists_what_an_update_changed(gerente_client_, cliente, gerente):
    services.cliente_update(
        actor=gerente, id_cliente=cliente.pk, versao=cliente.versao, data={"nome_mae": "Rita"}
    )
    html = gerente_client_.get(reverse("clientes:detail", args=[cliente.pk])).content.decode()
    assert "Cliente alterado" in html and "Ana Souza → Rita" in html
    assert "Cliente cadastrado" in html


def test_search_screen_and_search_api_record_filters_and_counts(analista_client, cliente):
    response = analista_client.get(reverse("clientes:search"), {"q": "maria", "page": 1})
    analista_client.get("/api/v1/clients/search", {"nome": "maria", "uf": "SP"})
    analista_client.get("/api/v1/clients/search", {"nome": "maria", "cursor": ""})
    web, api, keyset = _events(Action.CLIENTE_SEARCH)
    assert web.request_id == response[REQUEST_ID_HEADER]
    assert (web.channel, web.details["filtros"], web.details["resultados"]) == (
        "web",
        {"q": "maria"},
        1,
    )
    assert (api.channel, api.details["filtros"]) == ("api", {"nome": "maria", "uf": "SP"})
    assert keyset.details["contagem_exata"] is False
