"""The 2FA endpoints and the token endpoint answer what the OpenAPI schema says (schemathesis)."""

import pytest
import schemathesis
from schemathesis import checks
from schemathesis.generation import GenerationMode

from clientes.tests import test_api_schema

pytestmark = pytest.mark.django_db

# The same WSGI app fixture and fuzzing loop as the client API's.
wsgi_app = test_api_schema.wsgi_app

MFA_PATHS = r"^/api/v1/auth/(mfa/.*|token/)$"


@pytest.fixture
def auth(client, analista_2fa):
    """Session cookie + CSRF token of an Analista with 2FA, as a browser would send them."""
    client.force_login(analista_2fa)
    token = "a" * 32
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_the_2fa_endpoints_finds_no_500_and_no_schema_violation(wsgi_app, auth, mode):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    schema = schema.include(path_regex=MFA_PATHS)
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    operation_checks = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
    ]
    if mode is GenerationMode.NEGATIVE:
        operation_checks.append(checks.negative_data_rejection)
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.label == "POST /api/v1/auth/mfa/totp/":
            continue  # no body and no parameters: nothing to get wrong
        test_api_schema._fuzz(operation, mode, operation_checks, auth)
