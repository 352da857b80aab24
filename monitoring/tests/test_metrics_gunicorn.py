"""/metrics under gunicorn adds up every worker process (prometheus multiprocess mode)."""

import http.client
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from audit.choices import Action
from audit.models import AuditEvent
from clientes.tests.cache_helpers import make_cliente
from common.tests.processes import database_url_of_this_run
from conftest import TEST_PASSWORD
from devstack.appserver import Gunicorn
from devstack.embedded import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TOKEN = "m" * 40
SEARCHES = 16


def _request(port, path, *, token=None, body=None) -> str:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request("POST" if body is not None else "GET", path, payload, headers)
        response = conn.getresponse()
        assert response.status == 200, response.status
        return response.read().decode()
    finally:
        conn.close()


def _lookups(text: str, result: str) -> float:
    match = re.search(
        rf'^gestao_cache_lookups_total\{{kind="search",result="{result}"\}} ([0-9.e+-]+)$',
        text,
        re.M,
    )
    return float(match.group(1)) if match else 0.0


def test_cache_lookups_of_every_worker_add_up(tmp_path, analista):
    make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    port = free_port()
    env = {
        "DATABASE_URL": database_url_of_this_run(),
        "METRICS_TOKEN": TOKEN,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    with Gunicorn(port=port, env=env, log_path=tmp_path / "gunicorn.log", workers=2):
        credentials = {"email": analista.email, "password": TEST_PASSWORD}
        access = json.loads(_request(port, "/api/v1/auth/token/", body=credentials))["access"]
        search = "/api/v1/clients/search?uf=PE"
        with ThreadPoolExecutor(8) as pool:  # concurrent: both workers take requests
            answers = list(
                pool.map(lambda _: _request(port, search, token=access), range(SEARCHES))
            )
        assert all(json.loads(a)["count"] == 1 for a in answers)
        text = _request(port, "/metrics", token=TOKEN)
    assert _lookups(text, "hit") + _lookups(text, "miss") == SEARCHES
    assert _lookups(text, "miss") >= 1
    # The audit trail, hence the managers' page, agrees with Prometheus.
    recorded = [e.details["cache"] for e in AuditEvent.objects.filter(action=Action.CLIENTE_SEARCH)]
    assert recorded.count("hit") == _lookups(text, "hit")
