"""The OpenAPI schema is valid and truthful: a schema-driven fuzzer finds no 500s
and no response that contradicts the schema on the client endpoints."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.generation import GenerationMode

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, telefone_data

pytestmark = pytest.mark.django_db

# Our endpoints (the search endpoint under /clients/search belongs to the search app).
CLIENT_PATHS = r"^/api/v1/clients/(\{id_cliente\}/(deactivate/|reactivate/)?)?$"
EXAMPLES_PER_OPERATION = 20


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


@pytest.fixture
def auth(client, administrador, analista):
    """Session cookie + CSRF token of an administrator, as a browser would send them."""
    services.cliente_create(
        actor=analista,
        data=cliente_data(cpf="52998224725"),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )
    client.force_login(administrador)
    token = "a" * 32
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_the_client_api_finds_no_500_and_no_schema_violation(wsgi_app, auth, mode):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    schema = schema.include(path_regex=CLIENT_PATHS)
    # We send a real session cookie ourselves: don't generate (or mutate) it.
    schema.config.generation.update(with_security_parameters=False)
    # A stale or malformed If-Match is refused with 412 before the body is read (RFC 9110 13.2).
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "412"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    response_checks = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
    ]

    for operation in operations:
        operation_checks = list(response_checks)
        # The list's query string is read like the search form's: an empty or
        # malformed optional parameter (uf=, page_size=abc) means "not given".
        # Everything else must refuse what the schema forbids.
        if mode is GenerationMode.NEGATIVE and operation.label != "GET /api/v1/clients/":
            operation_checks.append(checks.negative_data_rejection)
        _fuzz(operation, mode, operation_checks, auth)


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
