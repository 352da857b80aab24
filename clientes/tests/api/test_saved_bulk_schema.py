"""The saved-search and bulk-action endpoints keep to their OpenAPI schema: a
schema-driven fuzzer finds no 500 and no response that contradicts it."""

import pytest
import schemathesis
from schemathesis import checks
from schemathesis.generation import GenerationMode

from clientes.tests import test_api_schema as client_api

pytestmark = pytest.mark.django_db

PATHS = r"^/api/v1/(saved-searches/(\{id\}/)?|clients/bulk/(\{id\}/(cancel/)?)?)$"
# The session fixtures of the client API's own fuzz test.
wsgi_app = client_api.wsgi_app
auth = client_api.auth


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_saved_searches_and_bulk_finds_no_500_and_no_schema_violation(wsgi_app, auth, mode):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    schema = schema.include(path_regex=PATHS)
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    operation_checks = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
    ]
    if mode is GenerationMode.NEGATIVE:
        operation_checks.append(checks.negative_data_rejection)
        # The list takes no input at all: there is nothing to make invalid.
        operations = [op for op in operations if op.label != "GET /api/v1/saved-searches/"]
    for operation in operations:
        client_api._fuzz(operation, mode, operation_checks, auth)
