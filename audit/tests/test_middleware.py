"""Request ids, the refusals (403/429) and the log lines of a request."""

import re

import pytest
from django.urls import reverse

from audit.choices import Action
from audit.middleware import REQUEST_ID_HEADER
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get(reverse("accounts:login"))[REQUEST_ID_HEADER]
    second = client.get(reverse("accounts:login"))[REQUEST_ID_HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    ("trusted", "expected_kept"),
    [([], False), (["127.0.0.1"], True)],
)
def test_incoming_request_id_is_kept_only_from_a_trusted_proxy(
    client, settings, trusted, expected_kept
):
    settings.TRUSTED_PROXIES = trusted
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="nginx-abcdef0123")
    assert (response[REQUEST_ID_HEADER] == "nginx-abcdef0123") is expected_kept


def test_403_is_audited_and_shares_its_request_id_with_the_log_line(analista_client, console_log):
    response = analista_client.get(reverse("audit:event_list"), HTTP_USER_AGENT="Teste/1.0")

    assert response.status_code == 403
    request_id = response[REQUEST_ID_HEADER]
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.request_id == request_id
    assert event.actor_email == "analista@teste.com.br"
    assert event.details == {"method": "GET", "path": "/auditoria/", "status": 403}
    assert (event.ip, event.user_agent) == ("127.0.0.1", "Teste/1.0")
    forbidden_lines = [line for line in console_log.getvalue().splitlines() if "Forbidden" in line]
    assert forbidden_lines and all(f"[{request_id}]" in line for line in forbidden_lines)


def test_csrf_failure_is_audited_as_a_denial(analista):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(analista)
    response = csrf_client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor_id=analista.pk).exists()


@pytest.mark.urls("audit.tests.urls")
def test_429_is_audited_as_a_rate_limit_hit(client):
    response = client.get("/limite/", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    event = AuditEvent.objects.get(action=Action.RATE_LIMITED)
    assert (event.ip, event.details["path"]) == ("198.51.100.4", "/limite/")


@pytest.mark.urls("audit.tests.urls")
def test_log_lines_of_a_request_carry_its_id_and_never_a_full_cpf(client, console_log):
    response = client.get("/loga-cpf/")
    output = console_log.getvalue()
    request_id = response[REQUEST_ID_HEADER]
    assert f"[{request_id}] cliente ***.982.247-** / ***.982.247-** aberto" in output
    assert "52998224725" not in output and "529.982.247-25" not in output


def test_successful_requests_write_no_event_of_their_own(analista_client):
    before = AuditEvent.objects.count()
    analista_client.get(reverse("home"))
    assert AuditEvent.objects.count() == before
