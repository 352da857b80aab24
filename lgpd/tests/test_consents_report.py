"""Consents (history, current state, search filter) and the data subject's report."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from lgpd import services
from lgpd.models import Consentimento, SolicitacaoTitular
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db


def _consent(client, cliente, **body):
    data = {"finalidade": "marketing", "concedido": True, "canal": "site", **body}
    return client.post(
        reverse("clients-consents", args=[cliente.pk]), data, content_type="application/json"
    )


def test_consents_keep_history_and_the_current_state_filters_searches(
    encarregado_client, analista, client
):
    cliente = make_cliente(nome_completo="Consentida Marketing")
    other = make_cliente(nome_completo="Consentida Nenhum")
    assert _consent(encarregado_client, cliente, evidencia="Formulário do site").status_code == 201
    response = _consent(encarregado_client, cliente, finalidade="compartilhamento_parceiros")
    assert response.json()["vigentes"] == ["compartilhamento_parceiros", "marketing"]
    response = _consent(encarregado_client, cliente, concedido=False)
    body = response.json()
    assert body["vigentes"] == ["compartilhamento_parceiros"]
    assert [c["concedido"] for c in body["historico"]] == [False, True, True]
    assert Consentimento.objects.count() == 3

    _consent(encarregado_client, other, finalidade="marketing")
    client.force_login(analista)
    rows = client.get(
        reverse("clients-list"), {"nome": "Consentida", "consentimento": "marketing"}
    ).json()["results"]
    assert [r["id_cliente"] for r in rows] == [other.pk]
    bad = client.get(reverse("clients-list"), {"consentimento": "DROP TABLE"})
    assert bad.status_code == 400
    # The profile shows the consents in force.
    profile = client.get(reverse("clientes:detail", args=[cliente.pk])).content.decode()
    assert "compartilhamento_parceiros" in profile


def test_unknown_purpose_is_refused(encarregado_client):
    cliente = make_cliente()
    response = _consent(encarregado_client, cliente, finalidade="vender_dados")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "finalidade_desconhecida"
    assert not Consentimento.objects.exists()


def test_json_report_has_everything_and_is_audited(client, encarregado, analista):
    cliente = make_cliente(nome_completo="Relatada Completa", email="relatada@example.com")
    client.force_login(analista)
    client.get(reverse("clientes:detail", args=[cliente.pk]))  # an access to report
    client.force_login(encarregado)
    encarregado_client = client
    _consent(encarregado_client, cliente)
    solicitacao = services.solicitacao_create(
        actor=None, cpf=cliente.cpf, tipo="acesso", canal="email"
    )
    response = encarregado_client.get(
        reverse("clients-data-report", args=[cliente.pk]),
        {"format": "json", "solicitacao": solicitacao.pk},
    )
    assert response.status_code == 200
    report = response.json()
    assert report["schema"] == "gestao-clientes/relatorio-titular/v1"
    assert report["titular"]["nome_completo"] == "Relatada Completa"
    assert report["titular"]["cpf"] == cliente.cpf_formatado
    assert report["enderecos"][0]["cidade"] == "São Paulo"
    assert report["telefones"][0]["numero"] == "11998765432"
    assert report["consentimentos"]["vigentes"] == ["marketing"]
    assert report["solicitacoes"][0]["id"] == solicitacao.pk
    assert report["alteracoes"][0]["acao"] == "cliente.create"
    views = [a for a in report["acessos"] if a["acao"] == "cliente.view"]
    assert views[0]["usuario"] == analista.email and views[0]["papel"] == "Analista"
    event = AuditEvent.objects.get(action="lgpd.data_report")
    assert event.details["formato"] == "json"
    solicitacao.refresh_from_db()
    assert solicitacao.producao[0]["acao"] == "relatorio"
    assert solicitacao.status == "em_andamento"


def test_pdf_report_is_a_pdf_for_the_person(encarregado_client):
    cliente = make_cliente(nome_completo="Relatada Em Papel")
    response = encarregado_client.get(
        reverse("clients-data-report", args=[cliente.pk]), {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "relatorio-titular" in response["Content-Disposition"]
    assert AuditEvent.objects.get(action="lgpd.data_report").details["formato"] == "pdf"


@pytest.mark.parametrize(
    "params", [{"format": "xml"}, {"solicitacao": "abc"}, {"solicitacao": "999"}]
)
def test_bad_report_parameters_are_4xx(encarregado_client, params):
    cliente = make_cliente()
    response = encarregado_client.get(reverse("clients-data-report", args=[cliente.pk]), params)
    assert 400 <= response.status_code < 500
    assert not AuditEvent.objects.filter(action="lgpd.data_report").exists()
    assert not SolicitacaoTitular.objects.exists()
    if response["Content-Type"].startswith("application/json"):
        json.loads(response.content)
