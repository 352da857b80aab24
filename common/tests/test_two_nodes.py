"""Two app nodes (gunicorn processes) on one database and one Redis behave as one.

Requests alternate between the nodes, as a load balancer would send them:
the session, the API throttle, the login lockout and the permission cache
must not depend on which node answers.
"""

from __future__ import annotations

import itertools
import re

import pytest
import requests
from django.contrib.auth.models import Group

from accounts.roles import ANALISTA
from common.tests.processes import database_url_of_this_run
from conftest import TEST_PASSWORD
from devstack.appserver import Gunicorn
from devstack.embedded import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

API_RATE = 8  # requests a minute per user, for this test


@pytest.fixture(scope="module")
def nodes(django_db_setup, tmp_path_factory):
    logs = tmp_path_factory.mktemp("nodes")
    env = {
        "DATABASE_URL": database_url_of_this_run(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_USER_RATE": f"{API_RATE}/min",
    }
    started = []
    try:
        for index in range(2):
            port = free_port()
            started.append(
                Gunicorn(port=port, env=env, log_path=logs / f"node{index}.log").start(60)
            )
        yield [f"http://127.0.0.1:{node.port}" for node in started]
    finally:
        for node in started:
            node.stop()


def _login(session: requests.Session, base: str, email: str, password: str):
    page = session.get(f"{base}/conta/entrar/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/conta/entrar/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        headers={"Referer": f"{base}/conta/entrar/"},
        allow_redirects=False,
        timeout=30,
    )


def test_a_session_started_on_one_node_is_valid_on_the_other(nodes, gerente):
    first, second = nodes
    browser = requests.Session()
    assert _login(browser, first, gerente.email, TEST_PASSWORD).status_code == 302
    page = browser.get(f"{second}/clientes/", allow_redirects=False, timeout=30)
    assert page.status_code == 200
    assert gerente.email in page.text or gerente.nome in page.text


def test_the_permission_cache_follows_a_role_change_on_every_node(nodes, gerente):
    browser = requests.Session()
    assert _login(browser, nodes[0], gerente.email, TEST_PASSWORD).status_code == 302
    for base in nodes:  # both nodes have the Gerente's permission set cached now
        assert browser.get(f"{base}/metricas/", timeout=30).status_code == 200
    gerente.groups.set([Group.objects.get(name=ANALISTA)])  # committed: invalidates
    for base in nodes:
        assert browser.get(f"{base}/metricas/", timeout=30).status_code == 403


def test_failed_logins_on_both_nodes_add_up_to_one_lockout(nodes, analista, settings):
    browser = requests.Session()
    alternating = itertools.cycle(nodes)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        answer = _login(browser, next(alternating), analista.email, "senha-errada-123")
        assert answer.status_code in (200, 403, 429)
    # The right password no longer opens the account, on either node.
    for base in nodes:
        answer = _login(requests.Session(), base, analista.email, TEST_PASSWORD)
        assert answer.status_code != 302


def test_the_api_rate_limit_counts_requests_on_both_nodes(nodes, analista):
    token = requests.post(
        f"{nodes[0]}/api/v1/auth/token/",
        json={"email": analista.email, "password": TEST_PASSWORD},
        timeout=30,
    ).json()["access"]
    headers = {"Authorization": f"Bearer {token}"}
    alternating = itertools.cycle(nodes)
    statuses = [
        requests.get(
            f"{next(alternating)}/api/v1/auth/me/", headers=headers, timeout=30
        ).status_code
        for _ in range(API_RATE + 2)
    ]
    assert statuses[:API_RATE] == [200] * API_RATE
    assert statuses[API_RATE:] == [429, 429]
