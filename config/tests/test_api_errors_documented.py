"""Error answers that need a special setup to appear (rate limits, lockouts)
match what the schema documents for them."""

import json

import jsonschema
import pytest

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema says it (a "null" type)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    return node


def _documented(client, path, method, status):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    response = schema["paths"][path][method]["responses"][str(status)]
    body_schema = response["content"]["application/json"]["schema"]
    return _json_schema({**body_schema, "components": schema["components"]})


def _login(client, password="errada"):  # noqa: S107 (a wrong password, on purpose)
    body = json.dumps({"email": "gerente@teste.com.br", "password": password})
    return client.post(TOKEN, body, content_type="application/json")


def test_a_throttled_token_request_is_a_documented_429(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "600/min", "anon": "3/min"},
    }
    documented = _documented(client, TOKEN, "post", 429)  # counts as one of the three
    statuses = [_login(client).status_code for _attempt in range(3)]
    assert statuses == [401, 401, 429]
    limited = _login(client)
    assert limited.json()["errors"][0]["code"] == "throttled"
    jsonschema.validate(limited.json(), documented)


def test_a_locked_out_account_is_a_documented_429(client, gerente, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        _login(client)
    locked = _login(client, password="Senha-de-teste-123")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    jsonschema.validate(locked.json(), _documented(client, TOKEN, "post", 429))


def test_a_list_page_size_out_of_bounds_is_a_documented_400(client, analista):
    client.force_login(analista)
    response = client.get("/api/v1/clients/", {"nome": "maria", "page_size": "null"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("page_size", "invalid")
    assert "número inteiro de 1 a 100" in error["detail"]
    jsonschema.validate(response.json(), _documented(client, "/api/v1/clients/", "get", 400))
