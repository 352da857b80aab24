"""Saved searches: saving from the screen, sharing rules, the dashboard, stale criteria,
the API, and running one wherever a search runs (screen, API, exports)."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clientes import saved_searches, services
from clientes.models import Endereco, SavedSearch
from clientes.search import counts
from clientes.tests.factories import cliente_data, endereco_data

pytestmark = pytest.mark.django_db

HOME = reverse("home")
SEARCH = reverse("clientes:search")
API = "/api/v1/saved-searches/"


def _cliente(nome, cidade="Goiânia", uf="GO", **data):
    return services.cliente_create(
        actor=None,
        data=cliente_data(nome_completo=nome, **data),
        enderecos=[endereco_data(cidade=cidade, uf=uf, cep="74000-000")],
    )


@pytest.fixture
def goiania(db):
    return [
        _cliente("Ana Goiana"),
        _cliente("Bruno Goiano"),
        _cliente("Carla Paulista", "Santos", "SP"),
    ]


def _save(user, nome="Goiânia", filters=None, shared=False):
    return saved_searches.saved_search_create(
        user=user, nome=nome, params=filters or {"cidade": "Goiânia"}, shared=shared
    )


# --- saving from the search screen ------------------------------------------------


def test_the_search_screen_offers_its_saved_searches_and_saving_the_current_one(
    analista_client, analista, gerente, goiania
):
    _save(gerente, "Compartilhada do gerente", shared=True)
    _save(gerente, "Privada do gerente")
    html = analista_client.get(SEARCH, {"cidade": "Goiânia"}).content.decode()
    assert "Pesquisas salvas" in html and "Salvar pesquisa" in html
    assert "Compartilhada do gerente" in html
    assert "Privada do gerente" not in html
    # Analysts may not share: no checkbox for it.
    assert 'name="shared"' not in html


def test_saving_stores_the_criteria_pins_it_and_opens_it(analista_client, analista, goiania):
    response = analista_client.post(
        reverse("clientes:saved_create"),
        {
            "nome_pesquisa": "  Clientes de Goiânia ",
            "cidade": "Goiânia",
            "status": "ativo",
            "page": "3",
        },
    )
    saved = SavedSearch.objects.get()
    assert (saved.owner, saved.nome, saved.filters, saved.shared) == (
        analista, "Clientes de Goiânia", {"cidade": "Goiânia", "status": "ativo"}, False,
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == saved_searches.saved_search_url(saved)
    opened = analista_client.get(response["Location"]).content.decode()
    assert "Ana Goiana" in opened and "Carla Paulista" not in opened
    assert "Pesquisa “Clientes de Goiânia” salva." in opened
    assert saved.pinned_by.filter(pk=analista.pk).exists()
    event = AuditEvent.objects.get(action="saved_search.create")
    assert event.details["filtros"] == {"cidade": "Goiânia", "status": "ativo"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nome_pesquisa": "", "cidade": "Goiânia"}, "Dê um nome à pesquisa."),
        ({"nome_pesquisa": "x" * 101, "cidade": "Goiânia"}, "Use no máximo 100 caracteres."),
        (
            {"nome_pesquisa": "Todos", "status": "ativo"},
            "Informe pelo menos um critério de pesquisa",
        ),
        ({"nome_pesquisa": "Idade", "idade_min": "abc"}, "Informe um número"),
        ({"nome_pesquisa": "UF", "uf": "XX"}, "Faça uma escolha válida"),
    ],
)
def test_invalid_saves_answer_400_with_the_reason_and_save_nothing(analista_client, data, message):
    response = analista_client.post(reverse("clientes:saved_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_one_name_per_owner(analista_client, analista):
    _save(analista, "Goiânia")
    response = analista_client.post(
        reverse("clientes:saved_create"),
        {"nome_pesquisa": "GOIÂNIA", "uf": "GO"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Você já tem uma pesquisa salva com este nome." in response.content.decode()


# --- sharing, renaming, updating, deleting ---------------------------------------------


def test_analysts_cannot_share_managers_can(client, analista, gerente):
    client.force_login(analista)
    response = client.post(
        reverse("clientes:saved_create"), {"nome_pesquisa": "A", "uf": "GO", "shared": "on"}
    )
    assert response.status_code == 400
    assert "Apenas gerentes e administradores compartilham pesquisas." in response.content.decode()
    client.force_login(gerente)
    client.post(
        reverse("clientes:saved_create"), {"nome_pesquisa": "G", "uf": "GO", "shared": "on"}
    )
    assert SavedSearch.objects.get().shared


def test_shared_searches_are_seen_by_everyone_private_ones_by_their_owner(
    client, analista, gerente, administrador
):
    shared = _save(gerente, "Compartilhada", shared=True)
    private = _save(gerente, "Privada")
    client.force_login(analista)
    names = [s["nome"] for s in client.get(API).json()]
    assert names == ["Compartilhada"]
    assert client.get(f"{API}{private.pk}/").status_code == 404
    # A shared search runs for everyone; someone else's private one does not exist for them.
    assert client.get("/api/v1/clients/search", {"saved": shared.pk}).status_code == 200
    response = client.get("/api/v1/clients/search", {"saved": private.pk})
    assert response.status_code == 400
    assert "Pesquisa salva não encontrada." in str(response.json())


def test_only_the_owner_or_an_administrator_changes_or_deletes(
    client, analista, gerente, administrador
):
    saved = _save(gerente, "Do gerente", shared=True)
    client.force_login(analista)
    assert client.patch(f"{API}{saved.pk}/", {"nome": "Meu"}, "application/json").status_code == 403
    assert client.delete(f"{API}{saved.pk}/").status_code == 403
    # Anyone who sees it may pin it to their own dashboard.
    response = client.patch(f"{API}{saved.pk}/", {"pinned": True}, "application/json")
    assert response.status_code == 200 and response.json()["pinned"] is True
    client.force_login(gerente)
    response = client.patch(
        f"{API}{saved.pk}/",
        {"nome": "Goiânia e Anápolis", "filters": {"uf": "GO"}, "shared": False},
        "application/json",
    )
    assert response.status_code == 200
    saved.refresh_from_db()
    assert (saved.nome, saved.filters, saved.shared) == ("Goiânia e Anápolis", {"uf": "GO"}, False)
    mine = _save(analista, "Da analista")
    client.force_login(administrador)
    assert client.delete(f"{API}{mine.pk}/").status_code == 204
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="saved_search.delete").count() == 1


def test_updating_to_the_current_criteria_from_the_screen(analista_client, analista, goiania):
    saved = _save(analista, "Goiânia")
    html = analista_client.get(saved_searches.saved_search_url(saved)).content.decode()
    assert "Atualizar “Goiânia” com os critérios atuais" in html
    response = analista_client.post(
        reverse("clientes:saved_update", args=[saved.pk]),
        {"criterios": "atuais", "uf": "SP"},
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.filters == {"uf": "SP"}


def test_rename_and_delete_from_the_list_page(analista_client, analista):
    saved = _save(analista, "Antigo")
    page = analista_client.get(reverse("clientes:saved_list")).content.decode()
    assert "Antigo" in page and "Excluir" in page
    analista_client.post(
        reverse("clientes:saved_update", args=[saved.pk]), {"nome_pesquisa": "Novo"}
    )
    saved.refresh_from_db()
    assert saved.nome == "Novo"
    analista_client.post(reverse("clientes:saved_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


# --- the dashboard -------------------------------------------------------------


def test_dashboard_shows_pinned_searches_with_live_counts(
    analista_client, analista, goiania, django_capture_on_commit_callbacks
):
    saved = _save(analista, "Goianos")
    unpinned = _save(analista, "Sem fixar", {"uf": "SP"})
    saved_searches.saved_search_pin(user=analista, saved=unpinned, pinned=False)
    html = analista_client.get(HOME).content.decode()
    assert "Goianos" in html and "2 clientes" in html
    assert saved_searches.saved_search_url(saved).replace("&", "&amp;") in html
    assert "Sem fixar" not in html
    # A client write (committed) makes the cached count stale at once.
    with django_capture_on_commit_callbacks(execute=True):
        _cliente("Davi Goiano")
    assert "3 clientes" in analista_client.get(HOME).content.decode()


@pytest.mark.django_db(transaction=True)
def test_dashboard_counts_are_cached_until_a_client_changes(analista, goiania):
    saved = _save(analista, "Goianos")
    assert saved_searches.saved_search_count(user=analista, saved=saved).count == 2
    # Written behind the cache's back (no invalidation): the cached count is served.
    Endereco.objects.filter(cliente=goiania[0]).update(cidade="Anápolis")
    assert saved_searches.saved_search_count(user=analista, saved=saved).count == 2
    from clientes.cache import invalidate

    invalidate(ids=[goiania[0].pk])
    assert saved_searches.saved_search_count(user=analista, saved=saved).count == 1


def test_dashboard_counts_are_capped_like_the_search(
    analista_client, analista, goiania, monkeypatch
):
    monkeypatch.setattr(counts, "COUNT_CAP", 1)
    _save(analista, "Goianos")
    assert "1+ clientes" in analista_client.get(HOME).content.decode()


def test_stale_criteria_are_reported_not_run(analista_client, analista, goiania):
    removed_option = SavedSearch.objects.create(
        owner=analista, nome="UF extinta", filters={"uf": "GB"}
    )
    removed_filter = SavedSearch.objects.create(
        owner=analista, nome="Região", filters={"regiao": "Centro-Oeste"}
    )
    for saved in (removed_option, removed_filter):
        saved.pinned_by.add(analista)
    home = analista_client.get(HOME)
    assert home.status_code == 200
    assert home.content.decode().count("Critérios desatualizados: abra para corrigir.") == 2
    listing = analista_client.get(reverse("clientes:saved_list")).content.decode()
    assert "O filtro “regiao” não existe mais." in listing
    response = analista_client.get("/api/v1/clients/search", {"saved": removed_option.pk})
    assert response.status_code == 400
    assert "Esta pesquisa salva não é mais válida" in str(response.json())
    api = {s["nome"]: s for s in analista_client.get(API).json()}
    assert api["UF extinta"]["valid"] is False and api["UF extinta"]["problems"]


# --- running a saved search: API search and exports ---------------------------------


def test_api_search_runs_a_saved_search_and_more_parameters_narrow_it(
    analista_client, analista, goiania
):
    saved = _save(analista, "Goiânia")
    response = analista_client.get("/api/v1/clients/search", {"saved": saved.pk})
    assert {r["nome_completo"] for r in response.json()["results"]} == {
        "Ana Goiana",
        "Bruno Goiano",
    }
    response = analista_client.get("/api/v1/clients/search", {"saved": saved.pk, "nome": "bruno"})
    assert [r["nome_completo"] for r in response.json()["results"]] == ["Bruno Goiano"]
    for bad in ("abc", "999999", ""):
        response = analista_client.get("/api/v1/clients/search", {"saved": bad})
        assert response.status_code == 400


def test_exports_accept_a_saved_search(analista_client, analista, goiania):
    saved = _save(analista, "Goiânia")
    response = analista_client.post(
        "/api/v1/clients/export?format=csv",
        {"saved": saved.pk, "fields": ["nome_completo"], "csv_dialect": "rfc4180"},
        "application/json",
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(r[0] for r in rows[1:]) == ["Ana Goiana", "Bruno Goiano"]


# --- the API's own validation ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        [],
        "texto",
        {"nome": "X"},
        {"nome": "X", "filters": "uf=SP"},
        {"nome": "X", "filters": {"uf": ["SP"]}},
        {"nome": "X", "filters": {"idade_min": "-1"}},
        {"nome": "X", "filters": {"idade_min": "60"}},  # a number, as the schema says
        {"nome": "X", "filters": {"idade_min": 131}},  # beyond the search's own bound
        {"nome": "X", "filters": {"cep": "abc"}},
        {"nome": "X", "filters": {"data_nascimento": "31/02/1990"}},
        {"nome": "", "filters": {"uf": "SP"}},
        {"nome": "X", "filters": {"uf": "SP"}, "shared": "talvez"},
        {"nome": "X", "filters": {"uf": "SP"}, "shared": True},  # an Analista cannot share
    ],
)
def test_api_refuses_malformed_saves_with_400(analista_client, body):
    response = analista_client.post(API, body, "application/json")
    assert response.status_code == 400, response.content
    assert not SavedSearch.objects.exists()


def test_api_create_and_read(analista_client, analista):
    response = analista_client.post(
        API,
        {"nome": "Goiânia", "filters": {"cidade": "Goiânia", "idade_min": 60}},
        "application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["filters"] == {"cidade": "Goiânia", "idade_min": 60}
    assert (body["mine"], body["pinned"], body["valid"], body["shared"]) == (
        True,
        True,
        True,
        False,
    )
    assert analista_client.get(f"{API}{body['id']}/").json()["nome"] == "Goiânia"


def test_api_answers_filters_in_the_types_it_takes(analista_client):
    """What GET returns can be sent back as is: numbers as numbers, dates in ISO."""
    sent = {"nome": "Nascidos", "filters": {"data_nascimento": "10/01/1980", "idade_max": 50}}
    body = analista_client.post(API, sent, "application/json").json()
    assert body["filters"] == {"data_nascimento": "1980-01-10", "idade_max": 50}
    again = analista_client.post(
        API, {"nome": "De novo", "filters": body["filters"]}, "application/json"
    )
    assert again.status_code == 201, again.content
