"""The OpenAPI schema is valid and served. That the API keeps to it (every
operation fuzzed with all of schemathesis' checks) is config/tests/test_api_contract.py."""

import pytest
from django.core.management import call_command

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
