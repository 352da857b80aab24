"""The Grafana dashboard in deploy/ is current and charts only real metrics."""

import json
import re

import pytest

from monitoring import dashboard


def test_committed_dashboard_is_the_generated_one():
    assert dashboard.OUTPUT.read_text() == dashboard.render()
    assert json.loads(dashboard.OUTPUT.read_text())["uid"] == "gestao-clientes"


@pytest.mark.django_db
def test_every_charted_metric_is_served_by_metrics(client, settings, analista):
    settings.METRICS_TOKEN = "k" * 32
    client.post("/conta/entrar/", {"username": analista.email, "password": "errada-123"})
    client.get("/conta/entrar/")
    client.force_login(analista)
    client.get("/api/v1/clients/", {"cpf": "123"})
    client.get("/clientes/", {"cpf": "123"})  # a cached search: the cache's counters
    from monitoring.tasks import aggregate_usage

    aggregate_usage.delay()  # a task: its count and duration
    from django.utils import timezone

    from clientes.models import ConsistencyCheck
    from reports.models import ExportJob

    now = timezone.now()
    ExportJob.objects.create(
        owner=analista, format="csv", status="done", started_at=now, finished_at=now
    )
    ConsistencyCheck.objects.create(ratio=1.0)
    served = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "k" * 32).content.decode()
    names = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", served, re.M))
    for panel in dashboard.dashboard()["panels"]:
        for target in panel["targets"]:
            for metric in re.findall(r"\b((?:django|gestao)_[a-z0-9_]+)", target["expr"]):
                assert metric in names, f"{panel['title']}: {metric}"
