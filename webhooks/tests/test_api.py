"""The webhook API: Administradores register targets (HTTPS on public
addresses), see the secret once, read the delivery log and redeliver."""

import json

import pytest

from webhooks import targets
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def admin_api(client, administrador):
    client.force_login(administrador)
    return client


@pytest.fixture
def public_dns(monkeypatch):
    """example.com resolves to a public address without the network (the
    sandbox has no DNS); every other name resolves for real."""
    real = targets.socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return [(2, 1, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(targets.socket, "getaddrinfo", getaddrinfo)


def test_an_administrator_registers_a_webhook_and_sees_the_secret_once(admin_api, public_dns):
    response = _post(
        admin_api, {"url": "https://hooks.example.com/in", "events": ["client.created"]}
    )
    assert response.status_code == 201
    created = response.json()
    assert len(created["secret"]) == 64 and created["full_cpf"] is True
    listed = admin_api.get(URL).json()
    assert [s["url"] for s in listed] == ["https://hooks.example.com/in"]
    assert "secret" not in listed[0]
    assert admin_api.delete(f"{URL}{created['id']}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/in", "url_https"),
        ("https://127.0.0.1/in", "url_privada"),
        ("https://localhost/in", "url_privada"),
        ("https://10.1.2.3/in", "url_privada"),
        ("https://192.168.0.10/in", "url_privada"),
        ("https://169.254.169.254/latest/meta-data", "url_privada"),
        ("https://[::1]/in", "url_privada"),
        ("https://nao-existe.invalid/in", "url_resolve"),
    ],
)
def test_unsafe_targets_are_refused_in_portuguese(admin_api, public_dns, url, code):
    response = _post(admin_api, {"url": url, "events": ["client.created"]})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["attr"], e["code"]) for e in errors] == [("url", code)]
    assert not WebhookSubscription.objects.exists()


def test_loopback_is_allowed_only_with_webhook_allow_private(admin_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    response = _post(admin_api, {"url": "http://127.0.0.1:9/in", "events": ["client.deleted"]})
    assert response.status_code == 201


@pytest.mark.parametrize("role_client", ["analista", "gerente"])
def test_only_administrators_manage_webhooks(client, request, role_client):
    client.force_login(request.getfixturevalue(role_client))
    assert client.get(URL).status_code == 403
    assert _post(client, {"url": "https://x.com", "events": ["client.created"]}).status_code == 403


def test_the_delivery_log_and_a_manual_redelivery(
    admin_api, administrador, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    subscription = WebhookSubscription.objects.create(
        owner=administrador, url="http://127.0.0.1:9/in", events=["client.created"],
        secret="s" * 64,
    )  # fmt: skip
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_type="client.created", id_cliente=7, body="{}",
        status="failed", attempts=30, response_code=500,
    )  # fmt: skip
    log = admin_api.get(f"{URL}{subscription.pk}/deliveries/").json()
    assert [(d["status"], d["attempts"], d["response_code"]) for d in log] == [("failed", 30, 500)]
    with django_capture_on_commit_callbacks(execute=True):
        again = admin_api.post(f"{URL}{subscription.pk}/deliveries/{delivery.pk}/redeliver/")
    assert again.status_code == 200
    again = admin_api.get(f"{URL}{subscription.pk}/deliveries/")
    [again] = again.json()
    # Port 9 (discard) refuses the connection: one more attempt, logged, still pending.
    assert again["attempts"] == 31 and again["status"] == "pending"
