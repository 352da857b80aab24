"""/metrics: protected, and reporting what operators chart."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app as celery_app
from conftest import TEST_PASSWORD
from monitoring.middleware import search_kind

TOKEN = "t" * 40


@pytest.fixture(autouse=True)
def _metrics_access(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.TRUSTED_PROXIES = ["10.0.0.5"]


def _scrape(client, **extra) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (("{" + labels + "}") if labels else "")) + r" ([0-9.e+-]+)\n"
    match = re.search(pattern, text)
    return float(match.group(1)) if match else 0.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({}, 403),  # 127.0.0.1, no token
        ({"HTTP_AUTHORIZATION": "Bearer wrong"}, 403),
        ({"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}, 200),
        ({"REMOTE_ADDR": "10.20.3.4"}, 200),  # Prometheus on the internal network
        # Through our proxy, the client's own IP decides, not the proxy's.
        ({"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 403),
        ({"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "10.20.3.4"}, 200),
        # A forged header from outside changes nothing.
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.20.3.4"}, 403),
    ],
)
def test_metrics_are_only_for_allowed_networks_or_the_token(client, extra, status):
    assert client.get("/metrics", **extra).status_code == status


@pytest.mark.django_db
def test_metrics_need_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
def test_request_latency_is_reported_by_view(client):
    client.get("/conta/entrar/")
    text = _scrape(client)
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="accounts:login"}'
        in text
    )


@pytest.mark.django_db
def test_logins_are_counted_by_result(client, analista):
    before = _scrape(client)
    client.post("/conta/entrar/", {"username": analista.email, "password": "errada-123"})
    client.post("/conta/entrar/", {"username": analista.email, "password": TEST_PASSWORD})
    after = _scrape(client)
    for result in ("failed", "succeeded"):
        name, labels = "gestao_logins_total", f'result="{result}"'
        assert _value(after, name, labels) == _value(before, name, labels) + 1


@pytest.mark.django_db
def test_active_sessions_count_unexpired_sessions(client, analista, gerente):
    before = _value(_scrape(client), "gestao_active_sessions")
    client.force_login(analista)
    other = type(client)()
    other.force_login(gerente)
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timezone.timedelta(1)
    )
    assert _value(_scrape(client), "gestao_active_sessions") == before + 2


@pytest.mark.django_db
def test_redis_latency_and_lookups_are_reported(client):
    from django.core.cache import cache

    before = _value(_scrape(client), "gestao_redis_keyspace_lookups_total", 'result="miss"')
    cache.get("metrics-test-missing-key")
    text = _scrape(client)
    assert _value(text, "gestao_redis_up") == 1
    assert 0 < _value(text, "gestao_redis_ping_seconds") < 1
    assert _value(text, "gestao_redis_keyspace_lookups_total", 'result="miss"') > before


@pytest.mark.django_db
def test_celery_queue_length_counts_waiting_tasks(client, settings):
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
        for _ in range(3):
            celery_app.send_task("monitoring.tests.nothing", connection=conn)
        try:
            assert _value(_scrape(client), "gestao_celery_queue_length", 'queue="celery"') == 3
        finally:
            conn.default_channel.queue_purge("celery")


@pytest.mark.django_db
def test_tasks_delivered_but_not_acknowledged_are_reported_as_reserved(client):
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
        before = _value(_scrape(client), "gestao_celery_tasks_reserved")
        celery_app.send_task("monitoring.tests.nothing", connection=conn)
        queue = conn.SimpleQueue("celery")
        message = queue.get(timeout=2)  # as a worker takes it (acks_late: not yet acked)
        try:
            text = _scrape(client)
            assert _value(text, "gestao_celery_tasks_reserved") == before + 1
            assert _value(text, "gestao_celery_queue_length", 'queue="celery"') == 0
        finally:
            message.ack()
            queue.close()
    assert _value(_scrape(client), "gestao_celery_tasks_reserved") == before


@pytest.mark.django_db
def test_a_dead_redis_does_not_break_the_scrape(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    text = _scrape(client)
    assert _value(text, "gestao_redis_up") == 0
    assert "gestao_active_sessions" in text


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"cpf": "123.456.789-09", "nome": "Maria"}, "cpf"),
        ({"nome": "Maria", "uf": "SP"}, "nome"),
        ({"q": "maria silva"}, "texto"),
        ({"cidade": "Campinas", "uf": "SP"}, "cidade"),
        ({"uf": "SP", "idade_min": "30"}, "filtros"),
        ({"cpf": "  "}, "filtros"),
    ],
)
def test_search_kind_is_the_most_selective_criterion(params, kind):
    assert search_kind(params) == kind


@pytest.mark.django_db
def test_lockouts_are_counted(client, analista, settings):
    before = _value(_scrape(client), "gestao_lockouts_total")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/conta/entrar/", {"username": analista.email, "password": "errada-123"})
    assert _value(_scrape(client), "gestao_lockouts_total") == before + 1


@pytest.mark.django_db
def test_search_latency_is_reported_by_kind(client, analista):
    series, labels = "gestao_search_duration_seconds_count", 'kind="nome"'
    before = _value(_scrape(client), series, labels)
    client.force_login(analista)
    assert client.get("/api/v1/clients/", {"nome": "Maria"}).status_code == 200
    assert _value(_scrape(client), series, labels) == before + 1


@pytest.mark.django_db
def test_exports_and_cache_consistency_are_read_from_the_database(client, analista):
    from clientes.models import ConsistencyCheck
    from reports.models import ExportJob

    now = timezone.now()
    for seconds, status in ((2, "done"), (4, "done"), (1, "failed")):
        ExportJob.objects.create(
            owner=analista,
            format="csv",
            status=status,
            started_at=now - timezone.timedelta(seconds=seconds),
            finished_at=now,
        )
    ExportJob.objects.create(owner=analista, format="xlsx", status="pending")
    ConsistencyCheck.objects.create(ran_at=now - timezone.timedelta(hours=1), ratio=0.5)
    ConsistencyCheck.objects.create(ran_at=now, ratio=0.998)
    text = _scrape(client)
    assert _value(text, "gestao_exports", 'format="csv",status="done"') == 2
    assert _value(text, "gestao_exports", 'format="xlsx",status="pending"') == 1
    assert _value(text, "gestao_export_duration_p95_seconds", 'format="csv"') == pytest.approx(4)
    assert _value(text, "gestao_cache_consistency_ratio") == pytest.approx(0.998)


@pytest.mark.django_db(transaction=True)  # committed clients: the cache is in play
def test_our_cache_lookups_are_counted_by_kind_and_result(client, analista):
    from clientes.tests.cache_helpers import make_cliente

    cliente = make_cliente(nome="Ana Lima", cidade="Recife", uf="PE")
    series = "gestao_cache_lookups_total"
    labels = {
        (kind, result): f'kind="{kind}",result="{result}"'
        for kind in ("search", "profile")
        for result in ("hit", "miss")
    }
    before = _scrape(client)
    latency_before = _value(before, "gestao_cache_redis_duration_seconds_count")
    client.force_login(analista)
    for _ in range(3):
        assert client.get("/clientes/", {"uf": "PE"}).status_code == 200
    for _ in range(2):
        assert client.get(cliente.get_absolute_url()).status_code == 200
    after = _scrape(client)
    added = {k: _value(after, series, v) - _value(before, series, v) for k, v in labels.items()}
    assert added == {
        ("search", "hit"): 2,
        ("search", "miss"): 1,
        ("profile", "hit"): 1,
        ("profile", "miss"): 1,
    }
    assert _value(after, "gestao_cache_redis_duration_seconds_count") > latency_before


@pytest.mark.django_db
def test_a_redis_error_of_our_cache_is_counted(client, analista, settings):
    from clientes.tests.cache_helpers import cache_redis_refused

    series, labels = "gestao_cache_events_total", 'event="degraded_read"'
    before = _value(_scrape(client), series, labels)
    client.force_login(analista)
    with cache_redis_refused(settings):
        assert client.get("/clientes/", {"uf": "PE"}).status_code == 200
        text = _scrape(client)
    # Answered by PostgreSQL: the user's permission set and the search page.
    assert _value(text, series, labels) == before + 2
    assert _value(text, series, 'event="redis_error"') >= 1


def _task_figures(text: str, task: str) -> dict:
    return {
        "SUCCESS": _value(text, "gestao_celery_tasks_total", f'state="SUCCESS",task="{task}"'),
        "FAILURE": _value(text, "gestao_celery_tasks_total", f'state="FAILURE",task="{task}"'),
        "durations": _value(text, "gestao_celery_task_duration_seconds_count", f'task="{task}"'),
        "fast": _value(
            text, "gestao_celery_task_duration_seconds_bucket", f'le="10.0",task="{task}"'
        ),
    }


@pytest.mark.django_db
def test_celery_tasks_are_counted_by_name_and_state_with_their_duration(client):
    # Eager tasks that raise skip Celery's postrun signal: failures are counted
    # by the real worker test below.
    from monitoring.tasks import aggregate_usage

    ok = "monitoring.tasks.aggregate_usage"
    before = _scrape(client)
    aggregate_usage.delay()
    aggregate_usage.delay()
    after = _scrape(client)
    ok_before, ok_after = _task_figures(before, ok), _task_figures(after, ok)
    assert {k: ok_after[k] - ok_before[k] for k in ok_after} == {
        "SUCCESS": 2,
        "FAILURE": 0,
        "durations": 2,
        "fast": 2,  # a two-day aggregation of an empty trail takes well under 10 s
    }
    assert 0 < _value(after, "gestao_celery_task_duration_seconds_sum", f'task="{ok}"') < 20


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_tasks_run_by_a_real_worker_reach_metrics(client, tmp_path, settings):
    """The worker is another process: its counts reach /metrics through the broker."""
    from reports.tests.conftest import Worker

    ok = "monitoring.tasks.aggregate_usage"
    before = _task_figures(_scrape(client), ok)
    celery_app.conf.task_always_eager = False
    worker = Worker(tmp_path / "worker.log")
    try:
        celery_app.send_task(ok)
        celery_app.send_task(ok, kwargs={"days": "dois"})  # a TypeError in the worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _task_figures(_scrape(client), ok)
            if now["durations"] - before["durations"] >= 2:
                break
            time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.stop()
    assert {k: now[k] - before[k] for k in now} == {
        "SUCCESS": 1,
        "FAILURE": 1,
        "durations": 2,
        "fast": 2,
    }, worker.log.read_text()
    text = _scrape(client)
    assert _value(text, "gestao_celery_tasks_reserved") == 0
    assert _value(text, "gestao_celery_queue_length", 'queue="celery"') == 0
