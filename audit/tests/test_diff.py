import datetime

import pytest

from audit.diff import changes, snapshot, snapshot_rows
from audit.models import AuditEvent
from audit.services import audit_record
from clientes.models import Cliente, Telefone


def test_changes_lists_only_what_differs():
    before = {"nome": "Ana", "email": "a@x.com", "ativo": True}
    after = {"nome": "Ana", "email": "b@x.com", "ativo": False}
    assert changes(before, after) == {
        "ativo": {"before": True, "after": False},
        "email": {"before": "a@x.com", "after": "b@x.com"},
    }
    assert changes(before, dict(before)) == {}


@pytest.mark.django_db
def test_snapshot_of_a_client_and_its_phones_is_json_and_cpf_masked_once_recorded(analista):
    cliente = Cliente.objects.create(
        cpf="52998224725",
        nome_completo="Ana Souza",
        data_nascimento=datetime.date(1990, 5, 17),
        created_by=analista,
    )
    Telefone.objects.create(cliente=cliente, tipo="celular", numero="11987654321")
    before = snapshot(cliente, ["cpf", "nome_completo", "data_nascimento", "created_by"])
    assert before["data_nascimento"] == "1990-05-17"
    assert before["created_by"] == analista.pk
    phones = snapshot_rows(cliente.telefones.all(), ["numero"])
    assert phones == [{"id": phones[0]["id"], "numero": "11987654321"}]

    after = {**before, "cpf": "11144477735"}
    event = audit_record(
        action="cliente.update", actor=analista, details={"changes": changes(before, after)}
    )
    stored = AuditEvent.objects.get(pk=event.pk).details
    assert stored == {"changes": {"cpf": {"before": "***.982.247-**", "after": "***.444.777-**"}}}
