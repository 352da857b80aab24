"""The retention rule: a dry-run list while off, batched anonymisation when on; the screens."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clientes import services as clientes_services
from clientes.models import Cliente
from lgpd import services
from lgpd.choices import TipoSolicitacao
from lgpd.models import ConfiguracaoLgpd, ExecucaoRetencao
from lgpd.tasks import apply_retention_rule
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db


def _inactive_since(years: int, **data) -> Cliente:
    cliente = make_cliente(**data)
    clientes_services.cliente_deactivate(actor=None, id_cliente=cliente.pk, motivo="Encerrou")
    Cliente.objects.filter(pk=cliente.pk).update(
        updated_at=timezone.now() - timedelta(days=365 * years + 2)
    )
    return cliente


@pytest.fixture
def population():
    old = _inactive_since(6, nome_completo="Antigo Inativo")
    held = _inactive_since(7, nome_completo="Antigo Retido")
    services.retencao_legal_set(
        actor=None,
        id_cliente=held.pk,
        motivo="Ação trabalhista",
        ate=timezone.localdate() + timedelta(days=90),
    )
    recent = _inactive_since(2, nome_completo="Recente Inativo")
    active = make_cliente(nome_completo="Ativo Antigo")
    Cliente.objects.filter(pk=active.pk).update(updated_at=timezone.now() - timedelta(days=4000))
    return {"old": old, "held": held, "recent": recent, "active": active}


def test_dry_run_command_lists_candidates_and_changes_nothing(population):
    out = StringIO()
    call_command("lgpd_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "2 candidates, 1 kept by a legal hold, 0 anonymised" in text
    assert str(population["old"].pk) in text and str(population["recent"].pk) not in text
    assert not Cliente.objects.filter(anonimizado_em__isnull=False).exists()
    run = ExecucaoRetencao.objects.get()
    assert run.simulacao and run.amostra == sorted([population["old"].pk, population["held"].pk])
    assert AuditEvent.objects.get(action="lgpd.retention").details["simulacao"] is True


def test_the_beat_task_only_lists_while_the_rule_is_off(population):
    assert settings.CELERY_BEAT_SCHEDULE["lgpd-apply-retention-rule"]["task"] == (
        apply_retention_rule.name
    )
    result = apply_retention_rule.delay().get()
    assert result == {"simulacao": True, "candidatos": 2, "anonimizados": 0}
    assert not Cliente.objects.filter(anonimizado_em__isnull=False).exists()


def test_when_on_the_rule_anonymises_skipping_legal_holds(population):
    services.configuracao_update(actor=None, data={"retencao_ativa": True})
    result = apply_retention_rule.delay().get()
    assert result == {"simulacao": False, "candidatos": 2, "anonimizados": 1}
    anonymised = set(
        Cliente.objects.filter(anonimizado_em__isnull=False).values_list("pk", flat=True)
    )
    assert anonymised == {population["old"].pk}
    run = ExecucaoRetencao.objects.get()
    assert (run.candidatos, run.retidos, run.anonimizados) == (2, 1, 1)
    # Still a dry run on demand, even with the rule on.
    out = StringIO()
    call_command("lgpd_retention", "--dry-run", stdout=out)
    assert "1 candidates, 1 kept by a legal hold, 0 anonymised" in out.getvalue()


def test_retention_screen_runs_a_dry_run(encarregado_client, population):
    response = encarregado_client.post(reverse("lgpd:retention"))
    assert response.status_code == 302
    page = encarregado_client.get(reverse("lgpd:retention")).content.decode()
    assert "simulação" in page and str(population["old"].pk) in page
    assert not Cliente.objects.filter(anonimizado_em__isnull=False).exists()


def test_settings_screen_saves_and_refuses_bad_input(encarregado_client):
    data = {
        "retencao_ativa": "on",
        "retencao_anos": "7",
        "nascimento_anonimizado": "decada",
        "finalidades": "marketing\npesquisa_satisfacao\n",
        **{f"prazo_{t}": "15" for t in TipoSolicitacao.values},
    }
    response = encarregado_client.post(reverse("lgpd:settings"), data)
    assert response.status_code == 302
    config = ConfiguracaoLgpd.current()
    assert config.retencao_ativa and config.retencao_anos == 7
    assert config.finalidades == ["marketing", "pesquisa_satisfacao"]
    bad = encarregado_client.post(
        reverse("lgpd:settings"), {**data, "finalidades": "Com Espaço", "retencao_anos": "0"}
    )
    assert bad.status_code == 400
    assert ConfiguracaoLgpd.current().finalidades == ["marketing", "pesquisa_satisfacao"]


def test_configuracoes_links_to_the_lgpd_settings(client, encarregado, analista):
    client.force_login(encarregado)
    assert reverse("lgpd:settings") in client.get(reverse("accounts:settings")).content.decode()
    client.force_login(analista)
    assert reverse("lgpd:settings") not in client.get(reverse("accounts:settings")).content.decode()
