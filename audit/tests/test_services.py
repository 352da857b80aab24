"""audit_record: who, from where, what — sanitised, in the caller's transaction."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from audit import context as audit_context
from audit.choices import SYSTEM_ACTOR, Action, Channel
from audit.models import AuditEvent
from audit.services import audit_record, audit_record_bulk
from clientes.models import Cliente

pytestmark = pytest.mark.django_db

CPF = "52998224725"


def _request(user, path="/clientes/1/", **meta):
    request = RequestFactory().get(
        path, REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Firefox/140", **meta
    )
    request.user = user
    request.request_id = "req-0123456789"
    return request


def test_event_from_a_request_has_actor_role_ip_agent_and_request_id(gerente):
    event = audit_record(
        action=Action.CLIENTE_VIEW,
        request=_request(gerente),
        target=("clientes.cliente", 7, "Maria"),
    )
    event.refresh_from_db()
    assert (event.actor_id, event.actor_email, event.actor_role) == (
        gerente.pk,
        "gerente@teste.com.br",
        "Gerente",
    )
    assert (event.ip, event.user_agent, event.request_id) == (
        "198.51.100.20",
        "Firefox/140",
        "req-0123456789",
    )
    assert (event.channel, event.target_type, event.target_id) == (
        Channel.WEB,
        "clientes.cliente",
        "7",
    )
    assert event.occurred_at.utcoffset().total_seconds() == 0  # stored and read as UTC


def test_api_and_admin_paths_set_the_channel(analista):
    api = audit_record(action=Action.CLIENTE_SEARCH, request=_request(analista, "/api/v1/x/"))
    admin = audit_record(action=Action.ADMIN_CHANGE, request=_request(analista, "/admin/x/"))
    assert (api.channel, admin.channel) == (Channel.API, Channel.ADMIN)


def test_event_without_request_or_actor_is_the_system():
    event = audit_record(action=Action.AUDIT_PURGE)
    assert (event.actor_id, event.actor_email, event.channel) == (None, SYSTEM_ACTOR, "task")


def test_service_deep_in_a_request_gets_the_request_from_the_context(analista):
    request = _request(analista)
    context = audit_context.OperationContext(
        request_id="ctx-12345678", ip="198.51.100.20", user_agent="Firefox/140", request=request
    )
    with audit_context.bind(context):
        event = audit_record(action=Action.CLIENTE_VIEW)
    assert (event.actor_email, event.ip, event.request_id) == (
        analista.email,
        "198.51.100.20",
        "ctx-12345678",
    )


def test_task_acting_for_a_user_records_that_user(analista):
    context = audit_context.OperationContext(
        request_id="task-12345678", channel=Channel.TASK, actor=analista
    )
    with audit_context.bind(context):
        event = audit_record(action=Action.EXPORT_COMPLETE)
    assert (event.actor_email, event.channel, event.request_id, event.ip) == (
        analista.email,
        "task",
        "task-12345678",
        None,
    )


def test_details_never_keep_secrets_and_mask_cpfs(analista):
    event = audit_record(
        action=Action.CLIENTE_UPDATE,
        actor=analista,
        target=("clientes.cliente", 1, f"Maria (CPF {CPF})"),
        details={
            "password": "hunter2hunter2",
            "nova_senha": "x",
            "refresh": "eyJhbGciOi",
            "Authorization": "Bearer abc",
            "changes": {"cpf": {"before": CPF, "after": "111.444.777-35"}},
            "filtros": {"q": f"cpf {CPF}", "numero": 52998224725},
        },
    )
    event.refresh_from_db()
    text = str(event.details) + event.target_label
    for secret in ("hunter2", "eyJhbGciOi", "Bearer", CPF, "111.444.777-35", "11144477735"):
        assert secret not in text
    assert event.details["password"] == "[removido]"
    assert event.details["changes"]["cpf"] == {
        "before": "***.982.247-**",
        "after": "***.444.777-**",
    }
    assert event.details["filtros"] == {"q": "cpf ***.982.247-**", "numero": "***.982.247-**"}


def test_bulk_event_keeps_the_count_and_at_most_1000_ids():
    event = audit_record_bulk(
        action=Action.CLIENTE_BULK_UPDATE,
        target_type="clientes.cliente",
        count=1500,
        ids=range(1500),
    )
    assert event.details["count"] == 1500
    assert len(event.details["ids"]) == 1000
    assert event.details["ids_truncated"] is True
    assert event.target_type == "clientes.cliente"


def _fail_audit_inserts():
    """Make PostgreSQL refuse audit INSERTs until the test's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def test_a_failed_audit_write_rolls_the_audited_write_back(analista):
    _fail_audit_inserts()
    with pytest.raises(DatabaseError), transaction.atomic():
        Cliente.objects.create(cpf=CPF, nome_completo="Maria da Silva")
        audit_record(action=Action.CLIENTE_CREATE, actor=analista)
    assert not Cliente.objects.filter(cpf=CPF).exists()


@pytest.mark.django_db(transaction=True)
def test_seed_command_records_one_bulk_event_per_step():
    # Events committed by end-to-end tests (live servers) may precede this one.
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call_command("seed_clients", count=40, seed=3)
    call_command("seed_clients", count=25, seed=4, reset=True)

    events = list(
        AuditEvent.objects.filter(id__gt=before)
        .order_by("id")
        .values("action", "details", "channel")
    )
    assert [(e["action"], e["details"]["count"]) for e in events] == [
        (Action.CLIENTE_BULK_CREATE, 40),
        (Action.CLIENTE_BULK_DELETE, 40),
        (Action.CLIENTE_BULK_CREATE, 25),
    ]
    assert {e["channel"] for e in events} == {Channel.COMMAND}
    assert events[0]["details"]["command"] == "seed_clients"


@pytest.mark.django_db(transaction=True)
def test_seed_fails_whole_when_its_audit_event_cannot_be_written():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    try:
        with pytest.raises(DatabaseError):
            call_command("seed_clients", count=30, seed=5)
        assert Cliente.objects.count() == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse_insert ON audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_a_read_event_commits_on_its_own_without_changing_the_session(gerente):
    assert not connection.in_atomic_block
    event = audit_record(action=Action.CLIENTE_VIEW, actor=gerente, target=("clientes.cliente", 9))
    assert event.actor_role == "Gerente"
    assert AuditEvent.objects.filter(pk=event.pk, actor_role="Gerente").exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # only that one commit skipped the wait


def test_superuser_without_a_role_group_is_recorded_as_administrador(django_user_model):
    root = django_user_model.objects.create_superuser(email="root@teste.com.br", password="x")
    event = audit_record(action=Action.SETTINGS_UPDATE, actor=root)
    assert AuditEvent.objects.get(pk=event.pk).actor_role == event.actor_role == "Administrador"
