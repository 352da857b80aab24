"""Merging two clients: chosen fields, united rows, tombstone, audit, cache, webhooks, LGPD."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_redis import get_redis_connection

from audit.choices import Action
from audit.models import AuditEvent
from clientes import selectors, services
from clientes.cache.profiles import profile_key
from clientes.models import Cliente
from clientes.services import ClienteAlteradoError
from clientes.tests.factories import cliente_data
from duplicates.models import ParDuplicado
from duplicates.services import clientes_merge, duplicates_refresh
from duplicates.tests.helpers import make
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    a = make(
        nome="Maria Souza", email="", nome_mae="Ana Souza",
        telefones=["11976543210", "1133221100"],
        enderecos=[("01310100", "Av. Paulista", "1000")],
    )  # fmt: skip
    b = make(
        nome="Maria de Souza", email="maria@ex.com.br", nome_mae="",
        telefones=["11976543210", "21988887777"],
        enderecos=[("01310100", "av paulista", "1000"), ("20040002", "Rua da Assembleia", "10")],
    )  # fmt: skip
    return a, b


def test_merge_keeps_chosen_fields_unites_rows_and_leaves_a_tombstone(gerente, pair):
    a, b = pair
    survivor = clientes_merge(
        actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={"nome_completo": b.pk},
        versao=a.versao, versao_outro=b.versao,
    )  # fmt: skip
    survivor = Cliente.objects.get(pk=a.pk)
    assert survivor.nome_completo == "Maria de Souza"  # chosen from B
    assert survivor.nome_mae == "Ana Souza"  # A's (left out, not empty)
    assert survivor.email == "maria@ex.com.br"  # A's was empty: B's fills it
    assert survivor.cpf == a.cpf and survivor.versao == a.versao + 1
    phones = sorted(survivor.telefones.values_list("numero", flat=True))
    assert phones == ["1133221100", "11976543210", "21988887777"]  # the shared one once
    ceps = sorted(survivor.enderecos.values_list("cep", flat=True))
    assert ceps == ["01310100", "20040002"]  # "av paulista 1000" was the same address
    assert survivor.enderecos.filter(principal=True).count() == 1
    tomb = Cliente.objects.get(pk=b.pk)
    assert tomb.merged_into_id == a.pk and tomb.merged_at and not tomb.ativo
    assert not tomb.telefones.exists() and not tomb.enderecos.exists()


def test_tombstone_is_out_of_search_and_its_id_names_the_survivor(gerente, pair):
    a, b = pair
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={})
    found = selectors.cliente_search(user=gerente, params={"q": "Maria"})
    assert list(found.values_list("pk", flat=True)) == [a.pk]
    assert selectors.cliente_get_by_cpf(user=gerente, cpf=b.cpf) is None
    with pytest.raises(selectors.ClienteIncorporado) as exc:
        selectors.cliente_get(user=gerente, id_cliente=b.pk)
    assert exc.value.merged_into_id == a.pk


def test_merge_is_audited_on_both_with_masked_cpfs(gerente, pair):
    a, b = pair
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={"email": b.pk})
    events = AuditEvent.objects.filter(action=Action.CLIENTE_MERGE).order_by("id")
    assert [e.target_id for e in events] == [str(a.pk), str(b.pk)]
    details = events[1].details
    assert details["de"] == b.pk and details["para"] == a.pk
    assert details["campos"]["email"] == {"origem": b.pk, "valor": "maria@ex.com.br"}
    text = str(details)
    assert b.cpf not in text and b.cpf[3:9] not in text.replace("*", "")  # masked


def test_merge_invalidates_both_cached_profiles(gerente, pair):
    a, b = pair
    for cliente in (a, b):
        selectors.cliente_get(user=gerente, id_cliente=cliente.pk)  # fills Redis
    conn = get_redis_connection("default")
    assert conn.exists(profile_key(a.pk)) and conn.exists(profile_key(b.pk))
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={"nome_completo": b.pk})
    assert not conn.exists(profile_key(a.pk)) and not conn.exists(profile_key(b.pk))
    assert selectors.cliente_get(user=gerente, id_cliente=a.pk).nome_completo == "Maria de Souza"
    with pytest.raises(selectors.ClienteIncorporado):
        selectors.cliente_get(user=gerente, id_cliente=b.pk)


def test_stale_version_merges_nothing(gerente, pair):
    a, b = pair
    with pytest.raises(ClienteAlteradoError) as exc:
        clientes_merge(
            actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={},
            versao=a.versao, versao_outro=b.versao - 1 if b.versao > 1 else 99,
        )  # fmt: skip
    assert exc.value.id_cliente == b.pk
    assert Cliente.objects.get(pk=b.pk).merged_into_id is None
    assert Cliente.objects.get(pk=a.pk).telefones.count() == 2


@pytest.mark.parametrize("state", ["bloqueado", "anonimizado", "incorporado"])
def test_lgpd_blocked_anonymised_or_merged_clients_are_refused(gerente, pair, state):
    a, b = pair
    if state == "bloqueado":
        Cliente.objects.filter(pk=b.pk).update(bloqueado=True)
    elif state == "anonimizado":
        Cliente.objects.filter(pk=b.pk).update(anonimizado_em=timezone.now())
    else:
        c = make(nome="Outra Pessoa Qualquer")
        clientes_merge(actor=gerente, id_cliente=c.pk, id_outro=b.pk, fields={})
    with pytest.raises(ValidationError) as exc:
        clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={})
    assert exc.value.messages[0].startswith(f"O cliente nº {b.pk}")
    assert a.telefones.count() == 2


def test_cpf_of_the_merged_away_record_cannot_be_chosen(gerente, pair):
    a, b = pair
    with pytest.raises(ValidationError) as exc:
        clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={"cpf": b.pk})
    assert "unifique no sentido inverso" in exc.value.messages[0]


def test_merged_pairs_disappear_and_refresh_ignores_the_tombstone(gerente):
    a = make(nome="Paulo Roberto Nunes")
    b = make(nome="Paulo Roberto Nunes")
    c = make(nome="Paulo Roberto Nunes")
    duplicates_refresh()
    assert ParDuplicado.objects.count() == 3
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={})
    assert list(ParDuplicado.objects.values_list("cliente_a", "cliente_b")) == [(a.pk, c.pk)]
    duplicates_refresh(full=True)
    assert list(ParDuplicado.objects.values_list("cliente_a", "cliente_b")) == [(a.pk, c.pk)]


def test_survivor_profile_shows_the_tombstone_history(client, gerente, pair):
    a, b = pair
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={})
    client.force_login(gerente)
    response = client.get(reverse("clientes:detail", args=[b.pk]), follow=True)
    assert response.redirect_chain == [(reverse("clientes:detail", args=[a.pk]), 302)]
    html = response.content.decode()
    assert f"O cliente nº {b.pk} foi unificado ao cliente nº {a.pk}." in html
    assert f"Histórico do cliente nº {b.pk}, unificado a este" in html


def test_merge_sends_client_merged_naming_the_survivor(gerente, administrador, pair):
    a, b = pair
    WebhookSubscription.objects.create(
        owner=administrador, url="https://example.com/hook", events=["client.merged"],
        secret="s" * 64, full_cpf=False,
    )  # fmt: skip
    clientes_merge(actor=gerente, id_cliente=a.pk, id_outro=b.pk, fields={})
    delivery = WebhookDelivery.objects.get()
    body = json.loads(delivery.body)
    assert (delivery.event_type, delivery.id_cliente) == ("client.merged", b.pk)
    assert body["data"]["merged_into"] == a.pk
    assert b.cpf not in delivery.body  # the subscription may not see full CPFs


def test_tombstone_cpf_is_explained_on_create_and_goes_with_the_survivor(administrador, pair):
    a, b = pair
    clientes_merge(actor=administrador, id_cliente=a.pk, id_outro=b.pk, fields={})
    with pytest.raises(ValidationError) as exc:
        services.cliente_create(actor=administrador, data=cliente_data(cpf=b.cpf))
    assert exc.value.message_dict["cpf"] == [
        f"Este CPF pertence a um cadastro unificado ao cliente nº {a.pk}."
    ]
    services.cliente_delete(actor=administrador, id_cliente=a.pk)
    assert not Cliente.objects.filter(pk__in=[a.pk, b.pk]).exists()
