"""Anonymisation: irreversible, refused when stale or held; reaches search, cache and audit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_redis import get_redis_connection

from audit.models import AuditEvent
from clientes import services as clientes_services
from clientes.models import Cliente, Telefone
from common.br import is_valid_cpf
from lgpd import anonymization, services
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db

NOME = "Hermenegilda Zwetsch Quintanilha"
MAE = "Gumercinda Zwetsch"
EMAIL = "hermenegilda.zq@example.com"


def _anonymize(client, cliente, etag=None, motivo="Pedido do titular (art. 18, IV)"):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.post(
        reverse("clients-anonymize", args=[cliente.pk]),
        {"motivo": motivo},
        content_type="application/json",
        **headers,
    )


def _vocabulary_has(word: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM clientes_nome_palavras WHERE palavra = %s", [word])
        return cursor.fetchone() is not None


def _redis_dump() -> bytes:
    """Return every key and string value of the test's Redis database (entries are pickles)."""
    conn = get_redis_connection("default")
    parts = []
    for key in conn.scan_iter(count=1000):
        value = conn.get(key) if conn.type(key) == b"string" else conn.dump(key)
        parts.append(key + b"=" + (value or b""))
    return b"\n".join(parts)


# Committed for real: the cache fills and invalidates only after commits.
@pytest.mark.django_db(transaction=True)
def test_anonymise_reaches_search_cache_vocabulary_and_audit(client, analista, encarregado):
    cliente = make_cliente(nome_completo=NOME, nome_mae=MAE, email=EMAIL)
    old_cpf = cliente.cpf
    # Fill the cache and the audit trail with the client's data, as real use does.
    client.force_login(analista)
    assert client.get(reverse("clientes:detail", args=[cliente.pk])).status_code == 200
    assert NOME in client.get(reverse("clientes:search"), {"q": "Hermenegilda"}).content.decode()
    client.get(reverse("clientes:search"), {"q": old_cpf})  # a whole CPF opens the profile
    client.get(reverse("clients-detail", args=[cliente.pk]))
    clientes_services.cliente_update(
        actor=analista, id_cliente=cliente.pk, versao=1, data={"email": EMAIL.upper()}
    )
    client.get(reverse("clientes:detail", args=[cliente.pk]))
    client.get(reverse("clientes:search"), {"q": "Hermenegilda"})
    dump = _redis_dump()
    assert old_cpf.encode() in dump and b"Hermenegilda" in dump
    assert _vocabulary_has("quintanilha") and _vocabulary_has("gumercinda")

    client.force_login(encarregado)
    response = _anonymize(client, cliente, etag='"2"')
    assert response.status_code == 200, response.content
    assert response.json()["anonimizado_em"]

    row = Cliente.objects.get(pk=cliente.pk)
    assert row.anonimizado
    assert (row.nome_completo, row.nome_social, row.nome_mae, row.email) == ("", "", "", "")
    assert row.cpf != old_cpf and len(row.cpf) == 11 and not is_valid_cpf(row.cpf)
    assert row.data_nascimento is None
    assert not Telefone.objects.filter(cliente_id=cliente.pk).exists()
    endereco = row.enderecos.get()
    assert (endereco.logradouro, endereco.numero, endereco.bairro) == ("", "", "")
    assert (endereco.cidade, endereco.uf, endereco.cep) == ("São Paulo", "SP", "01310000")

    # Cache: nothing of the old data is left in Redis (checked before searching
    # again: a cached search keeps what was typed, e.g. the old CPF).
    dump = _redis_dump()
    for old in (old_cpf, "Hermenegilda", "Quintanilha", EMAIL, "hermenegilda"):
        assert old.encode() not in dump

    # Search: nobody finds it by the old CPF, name or e-mail (not even the Encarregado).
    for params in ({"cpf": old_cpf}, {"nome": "Hermenegilda"}, {"email": EMAIL},
                   {"q": old_cpf}, {"nome_mae": "Gumercinda"}):  # fmt: skip
        for user in (analista, encarregado):
            client.force_login(user)
            assert client.get(reverse("clients-list"), params).json()["results"] == []
    page = client.get(reverse("clientes:search"), {"q": "Hermenegilda"})
    assert "Hermenegilda" not in page.content.decode().split("<main", 1)[1].replace(
        'value="Hermenegilda"', ""
    )
    # Vocabulary: the rare words of the name and mother's name are gone.
    assert not _vocabulary_has("quintanilha")
    assert not _vocabulary_has("gumercinda")
    assert not _vocabulary_has("hermenegilda")

    # Audit: events about the client keep action and ids, lose the personal data.
    events = AuditEvent.objects.filter(target_type="clientes.cliente", target_id=str(cliente.pk))
    actions = set(events.values_list("action", flat=True))
    assert {"cliente.create", "cliente.view", "cliente.update", "cliente.anonymize"} <= actions
    for event in events:
        text = f"{event.target_label} {event.details}"
        for old in ("Hermenegilda", "Quintanilha", "Gumercinda", "hermenegilda", old_cpf[3:9]):
            assert old not in text, (event.action, text)
    update = events.get(action="cliente.update")
    assert update.details == {"anonimizado": True, "campos": ["email"]}
    assert update.target_label == f"Titular anonimizado #{cliente.pk}"
    purge = AuditEvent.objects.get(action="audit.anonymize")
    assert purge.details["ids"] == [str(cliente.pk)]
    assert purge.actor_email == encarregado.email

    # The profile shows the row as anonymised; it cannot be anonymised twice.
    assert _anonymize(client, cliente, etag=f'"{row.versao}"').status_code == 400


def test_anonymise_needs_if_match_and_refuses_a_stale_version(encarregado_client, analista):
    cliente = make_cliente(nome_completo=NOME)
    assert _anonymize(encarregado_client, cliente).status_code == 428
    assert _anonymize(encarregado_client, cliente, etag="qualquer").status_code == 412
    clientes_services.cliente_update(
        actor=analista, id_cliente=cliente.pk, versao=1, data={"nome_social": "Gilda"}
    )
    response = _anonymize(encarregado_client, cliente, etag='"1"')
    assert response.status_code == 412
    assert '"2"' in response.json()["errors"][0]["detail"]
    assert Cliente.objects.get(pk=cliente.pk).nome_completo == NOME
    assert not AuditEvent.objects.filter(action="cliente.anonymize").exists()


def test_legal_hold_refuses_anonymisation_and_deletion(encarregado_client, admin_client_):
    cliente = make_cliente(nome_completo=NOME)
    services.retencao_legal_set(
        actor=None,
        id_cliente=cliente.pk,
        motivo="Guarda fiscal de 5 anos",
        ate=timezone.localdate() + timedelta(days=365),
    )
    response = _anonymize(encarregado_client, cliente, etag='"1"')
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "retencao_legal" and "Guarda fiscal" in error["detail"]
    assert Cliente.objects.get(pk=cliente.pk).nome_completo == NOME

    page = admin_client_.post(reverse("clientes:delete", args=[cliente.pk]), {"confirmar": "on"})
    assert page.status_code == 400
    assert "retenção legal" in page.content.decode()
    api = admin_client_.delete(
        reverse("clients-detail", args=[cliente.pk]), HTTP_IF_MATCH=f'"{cliente.versao}"'
    )
    assert api.status_code == 400
    assert api.json()["errors"][0]["code"] == "retencao_legal"
    assert Cliente.objects.filter(pk=cliente.pk).exists()


def test_a_released_hold_no_longer_blocks(encarregado_client):
    cliente = make_cliente()
    hold = services.retencao_legal_set(
        actor=None, id_cliente=cliente.pk, motivo="Processo", ate=timezone.localdate()
    )
    services.retencao_legal_release(actor=None, id_cliente=cliente.pk, id_retencao=hold.pk)
    assert _anonymize(encarregado_client, cliente, etag='"1"').status_code == 200


def test_batch_anonymisation_skips_holds_and_records_each_batch(encarregado):
    clientes = [make_cliente(nome_completo=f"Cliente Lote {i}") for i in range(5)]
    services.retencao_legal_set(
        actor=None,
        id_cliente=clientes[0].pk,
        motivo="Processo",
        ate=timezone.localdate() + timedelta(days=1),
    )
    result = anonymization.clientes_anonymize(
        actor=encarregado, ids=[c.pk for c in clientes], motivo="Retenção", batch_size=2
    )
    assert result.retidos == [clientes[0].pk]
    assert result.anonimizados == [c.pk for c in clientes[1:]]
    assert Cliente.objects.filter(anonimizado_em__isnull=False).count() == 4
    batches = AuditEvent.objects.filter(action="cliente.anonymize").order_by("id")
    assert [e.details["ids"] for e in batches] == [
        [clientes[1].pk], [clientes[2].pk, clientes[3].pk], [clientes[4].pk],
    ]  # fmt: skip


def test_birth_year_is_kept_when_configured(encarregado):
    services.configuracao_update(actor=encarregado, data={"nascimento_anonimizado": "ano"})
    cliente = make_cliente(data_nascimento="1980-05-17")
    anonymization.cliente_anonymize(
        actor=encarregado, id_cliente=cliente.pk, versao=1, motivo="Pedido"
    )
    assert Cliente.objects.get(pk=cliente.pk).data_nascimento.isoformat() == "1980-01-01"


def test_pseudo_cpfs_are_unique_and_never_valid():
    cpfs = {anonymization.pseudo_cpf(i) for i in range(1, 5000)}
    assert len(cpfs) == 4999
    assert not any(is_valid_cpf(c) for c in cpfs)


def test_an_anonymised_client_cannot_be_edited_back(encarregado_client, gerente, client):
    """Personal data typed into an anonymised record would undo the anonymisation."""
    cliente = make_cliente(nome_completo=NOME)
    assert _anonymize(encarregado_client, cliente, etag='"1"').status_code == 200
    row = Cliente.objects.get(pk=cliente.pk)
    client.force_login(gerente)
    response = client.patch(
        reverse("clients-detail", args=[cliente.pk]),
        {"nome_completo": NOME},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{row.versao}"',
    )
    assert response.status_code == 400
    assert "anonimizado" in response.json()["errors"][0]["detail"]
    # The edit form and the API share the service: it refuses, whoever calls it.
    with pytest.raises(ValidationError, match="anonimizado"):
        clientes_services.cliente_update(
            actor=gerente, id_cliente=cliente.pk, versao=row.versao, data={"nome_mae": MAE}
        )
    assert Cliente.objects.get(pk=cliente.pk).nome_completo == row.nome_completo
