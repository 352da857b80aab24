"""Webhooks as a receiver meets them: a real HTTP server on loopback, real
PostgreSQL, Redis and Celery tasks (eager), commits that really commit."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import signals as celery_signals
from django.db import transaction
from django.utils import timezone

from clientes import services as clientes_services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from common.br import cpf_check_digits
from imports import services as import_services
from imports.tests.conftest import csv_bytes, person, upload
from lgpd import anonymization
from lgpd import services as lgpd_services
from webhooks import services
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.tasks import deliver_due

pytestmark = pytest.mark.django_db(transaction=True)

ALL_EVENTS = [
    "client.created", "client.updated", "client.deactivated", "client.reactivated",
    "client.deleted",
]  # fmt: skip
LGPD_EVENTS = ["client.blocked", "client.unblocked", "client.anonymized"]


class Receiver:
    """A loopback HTTP server answering the scripted statuses (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def events(self):
        return [json.loads(body) for _headers, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def private_ok(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(private_ok, administrador, receiver):
    return services.webhook_subscription_create(
        actor=administrador, url=receiver.url, events=ALL_EVENTS
    )


def _create(actor, cpf="111.444.777-35"):
    return clientes_services.cliente_create(
        actor=actor,
        data=cliente_data(cpf=cpf),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


def test_an_event_arrives_signed_after_the_commit(subscription, receiver, analista):
    cliente = _create(analista)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    expected = "sha256=" + hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Webhook-Signature"], expected)
    event = json.loads(body)
    assert headers["X-Webhook-Id"] == event["id"]
    assert abs(int(headers["X-Webhook-Timestamp"]) - timezone.now().timestamp()) < 60
    assert event["type"] == "client.created"
    assert event["data"]["id_cliente"] == cliente.pk
    # The subscription's creator (Administrador) may see full CPFs: so does the payload.
    assert event["data"]["cpf"] == "11144477735"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_the_cpf_is_masked_for_a_subscription_of_someone_who_may_not_see_it(
    private_ok, receiver, analista
):
    services.webhook_subscription_create(actor=analista, url=receiver.url, events=ALL_EVENTS)
    _create(analista)
    cpf = receiver.events()[0]["data"]["cpf"]
    assert cpf != "11144477735" and "*" in cpf and "111.444" not in cpf


def test_every_change_of_a_client_arrives_in_order(subscription, receiver, analista, administrador):
    cliente = _create(analista)
    clientes_services.cliente_update(
        actor=analista, id_cliente=cliente.pk, versao=1, data={"nome_social": "Mari"}
    )
    clientes_services.cliente_deactivate(actor=analista, id_cliente=cliente.pk, motivo="Pedido")
    clientes_services.cliente_reactivate(actor=analista, id_cliente=cliente.pk)
    clientes_services.cliente_delete(actor=administrador, id_cliente=cliente.pk)
    assert [e["type"] for e in receiver.events()] == ALL_EVENTS
    assert receiver.events()[1]["data"]["nome_social"] == "Mari"


def test_lgpd_events_tell_a_blocked_or_anonymised_client_by_id_only(
    private_ok, administrador, receiver, analista
):
    services.webhook_subscription_create(actor=administrador, url=receiver.url, events=LGPD_EVENTS)
    first, second = _create(analista), _create(analista, cpf="529.982.247-25")
    lgpd_services.cliente_block(actor=administrador, id_cliente=first.pk, motivo="Pedido")
    lgpd_services.cliente_unblock(actor=administrador, id_cliente=first.pk, motivo="Resolvido")
    anonymization.cliente_anonymize(
        actor=administrador, id_cliente=first.pk, versao=first.versao + 2, motivo="Pedido"
    )
    anonymization.clientes_anonymize(actor=administrador, ids=[second.pk], motivo="Prazo")
    events = receiver.events()
    assert [(e["type"], e["data"]["id_cliente"]) for e in events] == [
        ("client.blocked", first.pk),
        ("client.unblocked", first.pk),
        ("client.anonymized", first.pk),
        ("client.anonymized", second.pk),
    ]
    assert events[0]["data"] == {"id_cliente": first.pk}  # nothing of a blocked person
    assert events[1]["data"]["nome_completo"] == first.nome_completo
    assert events[3]["data"] == {"id_cliente": second.pk}


def test_an_import_sends_each_created_and_updated_client(
    subscription, receiver, analista, gerente, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    existing = _create(analista)
    rows = [person(CPF=existing.cpf, **{"Nome completo": "Nome Do Arquivo"}), person(), person()]
    receiver.requests.clear()
    job = import_services.import_request(
        user=gerente, upload=upload(csv_bytes(rows)), dry_run=False, on_conflict="update"
    )
    assert (job.created, job.updated) == (2, 1)
    events = receiver.events()
    assert sorted(e["type"] for e in events) == [
        "client.created", "client.created", "client.updated",
    ]  # fmt: skip
    updated = next(e for e in events if e["type"] == "client.updated")
    assert updated["data"]["id_cliente"] == existing.pk
    assert updated["data"]["nome_completo"] == "Nome Do Arquivo"
    created = {e["data"]["id_cliente"] for e in events if e["type"] == "client.created"}
    assert created == set(Cliente.objects.exclude(pk=existing.pk).values_list("pk", flat=True))


def test_a_rolled_back_change_sends_nothing(subscription, receiver, analista):
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(analista)
        raise RuntimeError("the import failed further on")
    assert not Cliente.objects.exists()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_receiver_failing_once_gets_the_event_twice_then_no_more(
    subscription, receiver, analista
):
    receiver.statuses = [500]
    _create(analista)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()  # backoff: not retried at once
    assert deliver_due() == 0
    # The backoff has passed: the every-minute task retries it.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert len(receiver.requests) == 2
    first, second = (headers["X-Webhook-Id"] for headers, _body in receiver.requests)
    assert first == second  # the receiver can drop the duplicate


def test_a_later_event_of_a_failing_client_waits_for_the_earlier_one(
    subscription, receiver, analista
):
    receiver.statuses = [503]
    cliente = _create(analista)
    clientes_services.cliente_update(
        actor=analista, id_cliente=cliente.pk, versao=1, data={"nome_social": "Mari"}
    )
    assert len(receiver.requests) == 1  # the update did not overtake the creation
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due()
    assert [e["type"] for e in receiver.events()] == [
        "client.created", "client.created", "client.updated",
    ]  # fmt: skip


def test_a_bulk_change_is_sent_in_batches(subscription, receiver, analista):
    runs = []

    def count(sender=None, **kwargs):
        if sender.name == "webhooks.tasks.deliver":
            runs.append(1)

    celery_signals.task_prerun.connect(count)
    try:
        with transaction.atomic():  # an import: 250 clients, one commit
            for number in range(250):
                base = str(100_000_000 + number)
                _create(analista, cpf=base + cpf_check_digits(base))
    finally:
        celery_signals.task_prerun.disconnect(count)
    assert len(receiver.requests) == 250
    assert len(runs) == 3  # 100 + 100 + 50, each task re-queued behind the rest
    ids = [e["data"]["id_cliente"] for e in receiver.events()]
    assert ids == sorted(ids)


def test_a_target_no_longer_allowed_is_refused_at_delivery(
    subscription, receiver, analista, settings
):
    # Registered while loopback was allowed; checked again (DNS included) when sending.
    settings.WEBHOOK_ALLOW_PRIVATE = False
    _create(analista)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == "pending" and delivery.response_code is None
    assert "https" in delivery.error


def test_a_day_of_failures_disables_the_subscription_and_tells_the_owner(
    subscription, receiver, analista, client, administrador
):
    receiver.statuses = [500] * 5
    WebhookSubscription.objects.update(failing_since=timezone.now() - timedelta(hours=25))
    _create(analista)
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at
    client.force_login(administrador)
    page = client.get("/").content.decode()
    assert receiver.url in page and "desativado" in page
    client.force_login(analista)
    assert receiver.url not in client.get("/").content.decode()
