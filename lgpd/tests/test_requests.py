"""Data subjects' requests: API, deadlines, the reasoned denial, the workbench screens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clientes.tests.factories import new_cpf
from lgpd import services
from lgpd.models import ConfiguracaoLgpd, SolicitacaoTitular
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db


def _create(client, **body):
    data = {"cpf": new_cpf(), "tipo": "acesso", "canal": "email", **body}
    return client.post(reverse("lgpd-requests"), data, content_type="application/json")


def test_create_links_the_client_and_sets_the_15_day_deadline(encarregado_client, encarregado):
    cliente = make_cliente()
    response = _create(encarregado_client, cpf=cliente.cpf_formatado, descricao="Quero meus dados")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cliente"] == cliente.pk
    assert body["status"] == "aberta"
    assert body["prazo"] == (timezone.localdate() + timedelta(days=15)).isoformat()
    assert body["responsavel"] == encarregado.email
    event = AuditEvent.objects.get(action="lgpd.request_create")
    assert event.details["tipo"] == "acesso"
    assert cliente.cpf not in str(event.details)


def test_the_deadline_is_configurable_per_type(encarregado_client, encarregado):
    config = ConfiguracaoLgpd.current()
    prazos = {**config.prazos_dias, "correcao": 5}
    services.configuracao_update(actor=encarregado, data={"prazos_dias": prazos})
    body = _create(encarregado_client, tipo="correcao").json()
    assert body["prazo"] == (timezone.localdate() + timedelta(days=5)).isoformat()


@pytest.mark.parametrize(
    "body, attr",
    [({"cpf": "123"}, "cpf"), ({"cpf": "529.982.247-24"}, "cpf"), ({"tipo": "apagar"}, "tipo"),
     ({"canal": "pombo"}, "canal"), ({"cpf": 52998224725}, "cpf"), ({"status": "atendida"},
     "non_field_errors"), ({"recebida_em": "ontem"}, "recebida_em")],
)  # fmt: skip
def test_bad_requests_are_400_and_nothing_is_saved(encarregado_client, body, attr):
    response = _create(encarregado_client, **body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert not SolicitacaoTitular.objects.exists()


def test_denying_needs_a_reasoned_reply(encarregado_client):
    solicitacao_id = _create(encarregado_client).json()["id"]
    url = reverse("lgpd-request-detail", args=[solicitacao_id])
    response = encarregado_client.patch(url, {"status": "negada"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "resposta_obrigatoria"
    assert SolicitacaoTitular.objects.get().status == "aberta"

    response = encarregado_client.patch(
        url,
        {"status": "negada", "resposta": "Não há dados seus em nossa base (art. 18, § 4º)."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "negada"
    assert response.json()["concluida_em"]
    assert AuditEvent.objects.filter(action="lgpd.request_update").count() == 1


def test_list_shows_overdue_first_and_filters(encarregado_client):
    recent = services.solicitacao_create(actor=None, cpf=new_cpf(), tipo="acesso", canal="email")
    late = services.solicitacao_create(
        actor=None,
        cpf=new_cpf(),
        tipo="acesso",
        canal="email",
        recebida_em=timezone.now() - timedelta(days=20),
    )
    done = services.solicitacao_create(
        actor=None,
        cpf=new_cpf(),
        tipo="acesso",
        canal="email",
        recebida_em=timezone.now() - timedelta(days=30),
    )
    services.solicitacao_update(actor=None, id_solicitacao=done.pk, data={"status": "atendida"})
    rows = encarregado_client.get(reverse("lgpd-requests")).json()["results"]
    assert [r["id"] for r in rows] == [late.pk, recent.pk, done.pk]
    assert [r["atrasada"] for r in rows] == [True, False, False]
    late_only = encarregado_client.get(reverse("lgpd-requests"), {"atrasadas": "true"}).json()
    assert [r["id"] for r in late_only["results"]] == [late.pk]
    bad = encarregado_client.get(reverse("lgpd-requests"), {"status": "xyz"})
    assert bad.status_code == 400

    page = encarregado_client.get(reverse("lgpd:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 atrasada" in html
    assert late.cpf not in html  # CPFs masked on the workbench


def test_screens_register_and_answer_a_request(encarregado_client):
    cliente = make_cliente()
    response = encarregado_client.post(
        reverse("lgpd:request_create"),
        {"cpf": cliente.cpf, "tipo": "acesso", "canal": "presencial", "descricao": ""},
    )
    solicitacao = SolicitacaoTitular.objects.get()
    assert response.status_code == 302 and response["Location"] == solicitacao.get_absolute_url()
    detail = encarregado_client.get(solicitacao.get_absolute_url())
    assert reverse("lgpd:cliente", args=[cliente.pk]) in detail.content.decode()
    bad = encarregado_client.post(solicitacao.get_absolute_url(), {"status": "negada"})
    assert bad.status_code == 400
    assert "resposta fundamentada" in bad.content.decode()
    invalid = encarregado_client.post(
        reverse("lgpd:request_create"), {"cpf": "111", "tipo": "x", "canal": "y"}
    )
    assert invalid.status_code == 400
    assert SolicitacaoTitular.objects.count() == 1


def test_dashboard_card_shows_open_and_overdue_counts(client, encarregado, analista):
    services.solicitacao_create(
        actor=None,
        cpf=new_cpf(),
        tipo="acesso",
        canal="email",
        recebida_em=timezone.now() - timedelta(days=16),
    )
    services.solicitacao_create(actor=None, cpf=new_cpf(), tipo="confirmacao", canal="email")
    client.force_login(encarregado)
    html = client.get(reverse("home")).content.decode()
    assert reverse("lgpd:index") in html
    assert "2 solicitações abertas, 1 atrasadas" in html
    client.force_login(analista)
    assert reverse("lgpd:index") not in client.get(reverse("home")).content.decode()
