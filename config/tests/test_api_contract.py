"""The REST API keeps its published contract: schemathesis, run as an integrator
would (`schemathesis run /api/schema/` with every check), finds nothing.

It runs against a live server on the test database (real PostgreSQL and
Redis) as an authenticated Gerente, over every operation of the schema, so a
new endpoint is checked as soon as it is routed. Throttling is raised for this
test only: otherwise most requests would be answered 429 and reach nothing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from clientes import services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(django_settings.BASE_DIR)
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Enough examples per operation and phase to reach the bodies' edges (empty
# and full address lists, boundary lengths) within about two minutes.
MAX_EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "10"))
# Requests mostly wait on PostgreSQL and Redis (the run uses little CPU), so
# four runs side by side cut the time even on two cores. Processes, not
# schemathesis --workers: its threads trip a CPython 3.11 bug in ast.parse
# (hypothesis describes its filters with it). The last group is everything
# else, so a new endpoint is always tested.
SEARCH, LIST, DETAIL = (
    r"^/api/v1/clients/search$",
    r"^/api/v1/clients/$",
    r"^/api/v1/clients/\{id_cliente\}/",
)
GROUPS = [
    ["--include-path-regex", SEARCH],
    ["--include-path-regex", LIST],
    ["--include-path-regex", DETAIL],
    ["--exclude-path-regex", f"{SEARCH}|{LIST}|{DETAIL}"],
]
CPFS = ["52998224725", "11144477735", "39053344705"]


@pytest.fixture
def unthrottled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min"},
    }


@pytest.fixture
def gerente_token(live_server, gerente, analista, unthrottled):
    for cpf in CPFS:
        services.cliente_create(
            actor=analista,
            data=cliente_data(cpf=cpf),
            enderecos=[endereco_data()],
            telefones=[telefone_data()],
        )
    response = requests.post(
        f"{live_server.url}/api/v1/auth/token/",
        json={"email": gerente.email, "password": TEST_PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


def test_schemathesis_finds_nothing_on_any_operation(live_server, gerente_token, tmp_path):
    # Read once: four runs generating it at the same time could pass their load timeout.
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=120)
    assert schema.status_code == 200
    schema_file = tmp_path / "schema.json"
    schema_file.write_bytes(schema.content)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "--no-color",
        "run",
        str(schema_file),
        "--url",
        live_server.url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {gerente_token}",
    ]
    runs = [
        subprocess.Popen(  # noqa: S603 (our own virtualenv's executable)
            command + group,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for group in GROUPS
    ]
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    failed = [output[-20000:] for run, output in zip(runs, outputs, strict=True) if run.returncode]
    assert not failed, "\n\n".join(failed)
    assert all("Tested: " in output for output in outputs)
