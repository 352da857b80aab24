"""The OpenAPI schema is valid and served. That the API keeps to it (every
operation fuzzed with all of schemathesis' checks) is config/tests/test_api_contract.py."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from clientes.models import Cliente

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi(tmp_path):
    out = tmp_path / "schema.yaml"
    # --validate checks the document against the OpenAPI 3 JSON schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/clients/:", "/api/v1/clients/{id_cliente}/:"):
        assert path in text


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    operations = schema.json()["paths"]["/api/v1/clients/{id_cliente}/"]
    assert set(operations) >= {"get", "put", "patch", "delete"}
    assert "412" in operations["patch"]["responses"] and "428" in operations["patch"]["responses"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # served offline (sidecar)


# Shared with other schema fuzz tests (accounts/mfa/tests/api/test_mfa_schema.py).
@pytest.fixture
def wsgi_app():
    """Django's WSGI app, keeping the test's DB connection open between requests.

    Like Django's test client: otherwise each request would close the
    connection that holds the test transaction.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


EXAMPLES_PER_OPERATION = 20


def _fuzz(operation, mode, operation_checks, auth):
    """Send EXAMPLES_PER_OPERATION generated requests and validate every response."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        # Aim most cases at the client that exists, so writes get past the 404.
        path = case.path_parameters or {}
        if isinstance(path.get("id_cliente"), int) and path["id_cliente"] % 3:
            path["id_cliente"] = _existing_id()
        response = case.call(headers=auth["headers"], cookies=auth["cookies"])
        case.validate_response(response, checks=operation_checks)

    fuzz()


def _existing_id():
    first = Cliente.objects.order_by("pk").first()
    return first.pk if first else 1
