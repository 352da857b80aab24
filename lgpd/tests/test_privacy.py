"""No full CPF on the workbench pages; the Encarregado role as the audit trail records it."""

import pytest
from django.urls import reverse

from accounts.roles import ENCARREGADO, user_role
from audit.models import AuditEvent
from lgpd import services
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db


def test_no_workbench_page_shows_a_full_cpf(encarregado_client):
    cliente = make_cliente()
    solicitacao = services.solicitacao_create(
        actor=None, cpf=cliente.cpf, tipo="acesso", canal="email"
    )
    services.cliente_block(actor=None, id_cliente=cliente.pk, motivo="Pedido")
    urls = [
        reverse("lgpd:index"),
        reverse("lgpd:index") + "?status=aberta",
        reverse("lgpd:request_create"),
        solicitacao.get_absolute_url(),
        reverse("lgpd:cliente", args=[cliente.pk]),
        reverse("lgpd:settings"),
        reverse("lgpd:retention"),
    ]
    for url in urls:
        response = encarregado_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert cliente.cpf not in html and cliente.cpf_formatado not in html, url


def test_the_encarregado_is_recorded_as_such(encarregado_client, encarregado):
    assert user_role(encarregado) == ENCARREGADO
    assert encarregado.has_perm("clientes.view_cpf_completo")
    assert not encarregado.has_perm("audit.view_auditevent")
    cliente = make_cliente()
    encarregado_client.get(reverse("clientes:detail", args=[cliente.pk]))
    event = AuditEvent.objects.get(action="cliente.view")
    assert event.actor_role == ENCARREGADO
