"""Actions on every client of a search: snapshot, lost updates, audit, cache, limits,
permissions, background jobs with progress and cancel, the screen and the API."""

import time

import pytest
from django.urls import reverse

from accounts.models import SystemSettings
from accounts.system_settings import forget_cached_settings
from audit.models import AuditEvent
from clientes import bulk, saved_searches, services
from clientes.models import BulkAction, Cliente
from clientes.selectors import cliente_get, cliente_search_page
from clientes.tests.factories import cliente_data, endereco_data
from reports.tests import conftest as reports_fixtures

pytestmark = pytest.mark.django_db

API = "/api/v1/clients/bulk/"
# A real Celery worker on the test database, as the export tests start one.
real_broker = reports_fixtures.real_broker
workers = reports_fixtures.workers


def _cliente(nome, cidade="Goiânia", uf="GO"):
    return services.cliente_create(
        actor=None,
        data=cliente_data(nome_completo=nome),
        enderecos=[endereco_data(cidade=cidade, uf=uf, cep="74000-000")],
    )


@pytest.fixture
def goianos(db):
    _cliente("Paulo Paulista", "Santos", "SP")
    return [_cliente(f"Goiano {n}") for n in range(3)]


def _settings(**values):
    SystemSettings.objects.update_or_create(pk=1, defaults=values)
    forget_cached_settings()


def _prepare(user, params=None, action="deactivate", motivo="Mudou-se"):
    return bulk.bulk_prepare(
        user=user, action=action, params=params or {"cidade": "Goiânia"}, motivo=motivo
    )


def _ativos():
    return set(Cliente.objects.filter(ativo=True).values_list("nome_completo", flat=True))


# --- snapshot semantics ----------------------------------------------------------


def test_the_action_applies_to_the_clients_counted_at_confirmation(gerente, goianos):
    job = _prepare(gerente)
    assert job.total == 3
    late = _cliente("Goiano chegou depois")  # matches now, was not counted
    job = bulk.bulk_confirm(user=gerente, job=job)
    assert job.status == "done" and len(job.changed_ids) == 3
    assert _ativos() == {"Paulo Paulista", late.nome_completo}
    changed = Cliente.objects.get(pk=goianos[0].pk)
    assert (changed.motivo_inativacao, changed.updated_by, changed.versao) == (
        "Mudou-se",
        gerente,
        2,
    )


def test_a_client_changed_after_the_snapshot_is_skipped_and_listed(gerente, analista, goianos):
    job = _prepare(gerente)
    edited = services.cliente_update(
        actor=analista, id_cliente=goianos[1].pk, versao=1, data={"email": "novo@example.com"}
    )
    job = bulk.bulk_confirm(user=gerente, job=job)
    assert job.skipped_ids == [edited.pk]
    assert sorted(job.changed_ids) == sorted([goianos[0].pk, goianos[2].pk])
    edited.refresh_from_db()
    assert (edited.ativo, edited.email, edited.versao) == (True, "novo@example.com", 2)


def test_only_clients_the_action_changes_are_counted(gerente, goianos):
    services.cliente_deactivate(actor=None, id_cliente=goianos[0].pk, motivo="Antes")
    assert _prepare(gerente).total == 2
    job = _prepare(gerente, action="reactivate", motivo="ignored")
    assert (job.total, job.motivo) == (1, "")
    bulk.bulk_confirm(user=gerente, job=job)
    reactivated = Cliente.objects.get(pk=goianos[0].pk)
    assert (reactivated.ativo, reactivated.motivo_inativacao) == (True, "")


@pytest.mark.parametrize(
    ("params", "action", "motivo", "message"),
    [
        ({"cidade": "Goiânia"}, "deactivate", "  ", "Informe o motivo da inativação."),
        ({"cidade": "Goiânia"}, "apagar", "x", "Ação inválida"),
        ({"status": "ativo"}, "deactivate", "x", "Informe pelo menos um critério"),
        ({"idade_min": "abc"}, "deactivate", "x", "Informe um número"),
        ({"cidade": "Brasília"}, "deactivate", "x", "Nenhum cliente ativo nesta pesquisa"),
        ({"cidade": "Goiânia"}, "reactivate", "", "Nenhum cliente inativo nesta pesquisa"),
        ({"saved": "999"}, "deactivate", "x", "Pesquisa salva não encontrada."),
    ],
)
def test_invalid_requests_change_nothing(gerente, goianos, params, action, motivo, message):
    with pytest.raises(Exception) as error:
        bulk.bulk_prepare(user=gerente, action=action, params=params, motivo=motivo)
    assert message in " ".join(error.value.messages)
    assert not BulkAction.objects.exists()
    assert len(_ativos()) == 4


def test_more_clients_than_the_limit_are_refused_before_any_work(gerente, goianos):
    _settings(bulk_row_limit=2)
    with pytest.raises(Exception) as error:
        _prepare(gerente)
    assert "mais de 2 clientes a alterar; o limite por ação é 2" in " ".join(error.value.messages)


def test_a_saved_search_can_be_acted_on_narrowed_by_more_filters(gerente, goianos):
    saved = saved_searches.saved_search_create(
        user=gerente, nome="Goiânia", params={"cidade": "Goiânia"}
    )
    job = _prepare(gerente, {"saved": str(saved.pk), "nome": "Goiano 1"})
    assert job.ids == [goianos[1].pk] and job.saved_search == saved


# --- audit and cache --------------------------------------------------------------


def test_one_audit_event_with_the_count_and_ids(gerente, goianos):
    job = bulk.bulk_confirm(user=gerente, job=_prepare(gerente))
    events = AuditEvent.objects.filter(action__startswith="cliente.")
    event = events.get(action="cliente.bulk_deactivate")
    assert events.exclude(action="cliente.create").count() == 1
    assert event.actor_email == gerente.email and event.target_id == str(job.pk)
    assert event.details["count"] == 3
    assert sorted(event.details["ids"]) == sorted(c.pk for c in goianos)
    assert event.details["motivo"] == "Mudou-se" and event.details["ignorados"] == []


@pytest.mark.django_db(transaction=True)
def test_every_changed_client_is_fresh_in_the_cache_after_commit(gerente, goianos):
    profile = cliente_get(user=gerente, id_cliente=goianos[0].pk)  # cached now
    page = cliente_search_page(user=gerente, params={"cidade": "Goiânia", "status": "ativo"})
    assert profile.ativo and page.count == 3
    bulk.bulk_confirm(user=gerente, job=_prepare(gerente))
    assert not cliente_get(user=gerente, id_cliente=goianos[0].pk).ativo
    page = cliente_search_page(user=gerente, params={"cidade": "Goiânia", "status": "ativo"})
    assert page.count == 0


# --- permissions ------------------------------------------------------------------


def test_analysts_act_in_bulk_only_when_configuracoes_allows(client, analista, goianos):
    client.force_login(analista)
    body = {"action": "deactivate", "motivo": "x", "cidade": "Goiânia"}
    assert client.post(reverse("clientes:bulk_prepare"), body).status_code == 403
    assert (
        "Ações em todos os resultados" not in client.get("/clientes/?cidade=Goi").content.decode()
    )
    _settings(bulk_analista_allowed=True)
    assert "Ações em todos os resultados" in client.get("/clientes/?cidade=Goi").content.decode()
    assert client.post(reverse("clientes:bulk_prepare"), body).status_code == 302


def test_the_limits_and_the_analyst_switch_are_in_configuracoes(admin_client_):
    html = admin_client_.get(reverse("accounts:settings")).content.decode()
    for label in (
        "limite de clientes por ação em lote",
        "ação em lote imediata até (clientes)",
        "analistas podem agir em lote",
    ):
        assert label in html.lower()
    response = admin_client_.post(
        reverse("accounts:settings"),
        {
            "export_row_limit": 50000, "export_sync_row_limit": 2000,
            "export_retention_days": 7, "audit_retention_days": 1825,
            "bulk_row_limit": 100, "bulk_sync_row_limit": 200,
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert (
        "Não pode ser maior que o limite de clientes por ação em lote." in response.content.decode()
    )


# --- background jobs: progress and cancel -----------------------------------------------


def test_above_the_sync_limit_a_job_runs_in_the_background(
    gerente, goianos, django_capture_on_commit_callbacks
):
    _settings(bulk_sync_row_limit=2)
    job = _prepare(gerente)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = bulk.bulk_confirm(user=gerente, job=job)
    assert job.status == "pending" and len(queued) == 1 and len(_ativos()) == 4
    queued[0]()  # the queueing callback (tasks run eagerly in tests)
    job.refresh_from_db()
    assert (job.status, job.progress, len(job.changed_ids)) == ("done", 100, 3)


def test_cancel_stops_between_batches_and_says_how_many_changed(
    gerente, goianos, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 1)
    _settings(bulk_sync_row_limit=0)
    job = _prepare(gerente)
    with django_capture_on_commit_callbacks(execute=False):
        bulk.bulk_confirm(user=gerente, job=job)

    def cancel_after_first(stats):
        bulk.bulk_cancel(user=gerente, job=job)

    job = bulk.bulk_run(job_id=job.pk, on_batch=cancel_after_first)
    assert (job.status, job.processed, len(job.changed_ids)) == ("cancelled", 1, 1)
    assert len(_ativos()) == 3  # every other client untouched
    event = AuditEvent.objects.get(action="cliente.bulk_deactivate")
    assert event.details["count"] == 1 and event.details["situacao"] == "cancelled"
    with pytest.raises(Exception, match=r"Esta ação já terminou\."):
        bulk.bulk_cancel(user=gerente, job=job)


def test_a_rerun_of_a_finished_or_half_done_job_changes_nobody_twice(gerente, goianos, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    _settings(bulk_sync_row_limit=0)
    job = _prepare(gerente)
    BulkAction.objects.filter(pk=job.pk).update(status="running")

    class Killed(Exception):
        pass

    def die(stats):
        raise Killed

    with pytest.raises(Killed):
        bulk.bulk_run(job_id=job.pk, on_batch=die)
    job.refresh_from_db()
    assert (job.processed, len(job.changed_ids)) == (2, 2)
    job = bulk.bulk_run(job_id=job.pk)  # the redelivered task resumes
    assert (job.status, job.processed, len(job.changed_ids), job.skipped_ids) == ("done", 3, 3, [])
    assert bulk.bulk_run(job_id=job.pk) is None
    assert AuditEvent.objects.filter(action="cliente.bulk_deactivate").count() == 1


# --- the screen -------------------------------------------------------------------


def test_review_confirm_and_see_the_result_on_the_web(client, gerente, analista, goianos):
    client.force_login(gerente)
    response = client.post(
        reverse("clientes:bulk_prepare"),
        {"action": "deactivate", "motivo": "Mudou-se", "cidade": "Goiânia", "page": "2"},
    )
    job = BulkAction.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    review = client.get(job.get_absolute_url()).content.decode()
    assert "3 clientes serão inativados." in review
    assert "Goiano 0" in review and "***." in review  # a sample, CPFs masked
    assert len(_ativos()) == 4  # nothing changed before the confirmation
    services.cliente_update(
        actor=analista, id_cliente=goianos[2].pk, versao=1, data={"email": "x@y.com"}
    )
    response = client.post(reverse("clientes:bulk_confirm", args=[job.pk]), follow=True)
    html = response.content.decode()
    assert "2 clientes inativados." in html
    assert "1 cliente ignorado por ter sido alterado por outra pessoa" in html
    assert reverse("clientes:detail", args=[goianos[2].pk]) in html
    again = client.post(reverse("clientes:bulk_confirm", args=[job.pk]), follow=True)
    assert "Esta ação já foi confirmada ou cancelada." in again.content.decode()


def test_a_job_in_the_background_shows_progress_and_a_cancel_button(client, gerente, goianos):
    _settings(bulk_sync_row_limit=0)
    client.force_login(gerente)
    client.post(
        reverse("clientes:bulk_prepare"), {"action": "deactivate", "motivo": "x", "uf": "GO"}
    )
    job = BulkAction.objects.get()
    client.post(reverse("clientes:bulk_confirm", args=[job.pk]))  # queued after commit: never here
    status = client.get(job.get_absolute_url(), {"partial": "status"}).content.decode()
    assert "Na fila" in status and "Cancelar" in status and 'hx-trigger="every 1s"' in status
    client.post(reverse("clientes:bulk_cancel", args=[job.pk]))
    job = bulk.bulk_run(job_id=job.pk)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "0 clientes inativados." in html and "Cancelada antes do fim" in html


def test_htmx_errors_are_shown_in_place(client, gerente, goianos):
    client.force_login(gerente)
    response = client.post(
        reverse("clientes:bulk_prepare"),
        {"action": "deactivate", "motivo": "", "cidade": "Goiânia"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Informe o motivo da inativação." in response.content.decode()


# --- the API ----------------------------------------------------------------------


def test_api_small_actions_answer_200_with_the_counts(client, gerente, goianos):
    client.force_login(gerente)
    body = {"action": "deactivate", "motivo": "Mudou-se", "filters": {"cidade": "Goiânia"}}
    response = client.post(API, body, "application/json")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["total"], data["changed"], data["skipped"]) == ("done", 3, 3, 0)
    assert client.get(data["url"]).json()["changed"] == 3


def test_api_large_actions_answer_202_with_a_job_to_follow_and_cancel(client, gerente, goianos):
    _settings(bulk_sync_row_limit=1)
    client.force_login(gerente)
    saved = saved_searches.saved_search_create(user=gerente, nome="GO", params={"uf": "GO"})
    response = client.post(
        API, {"action": "deactivate", "motivo": "x", "saved": saved.pk}, "application/json"
    )
    assert response.status_code == 202
    data = response.json()
    assert response["Location"] == data["url"] and data["status"] == "pending"
    cancel = client.post(f"{API}{data['id']}/cancel/", content_type="application/json")
    assert cancel.status_code == 200 and cancel.json()["cancel_requested"] is True


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"action": "deactivate", "motivo": "x"},
        {"action": "apagar", "motivo": "x", "filters": {"uf": "GO"}},
        {"action": "deactivate", "filters": {"uf": "GO"}},
        {"action": "deactivate", "motivo": "x", "filters": "uf=GO"},
        {"action": "deactivate", "motivo": "x", "filters": {"uf": "ZZ"}},
        {"action": "deactivate", "motivo": "x", "saved": "abc"},
        {"action": "deactivate", "motivo": "x" * 300, "filters": {"uf": "GO"}},
    ],
)
def test_api_refuses_malformed_requests_with_400(client, gerente, goianos, body):
    client.force_login(gerente)
    response = client.post(API, body, "application/json")
    assert response.status_code == 400, response.content
    assert len(_ativos()) == 4


# --- a real worker -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_in_batches(gerente, workers, real_broker):
    reports_fixtures.make_clientes(2_500)  # one in ten inactive
    _settings(bulk_sync_row_limit=100)
    everyone = {"idade_min": "0"}
    job = bulk.bulk_prepare(user=gerente, action="deactivate", params=everyone, motivo="x")
    worker = workers()
    job = bulk.bulk_confirm(user=gerente, job=job)
    deadline = time.monotonic() + 120
    while job.status != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == "done", worker.log.read_text()
    assert len(job.changed_ids) == job.total > bulk.BATCH_SIZE
    assert not cliente_search_page(user=gerente, params={**everyone, "status": "ativo"}).count
