"""Every metric the Grafana dashboard and the Prometheus alert rules query exists.

A panel or an alert over a misspelt or vanished metric shows "no data" and
never fires, silently. So each metric name in their PromQL must be either one
the app's /metrics really serves (rendered here after some traffic) or a
documented metric of an exporter that docker-compose.yml configures.
promtool is not available here: the rule file's structure is checked by hand.
"""

import re
from pathlib import Path

import pytest
import yaml

from monitoring import dashboard

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"

# Metrics of the exporters in the ha profile, as their sources define them
# (name: (exporter, where it comes from)). Checked against the upstream code:
# postgres_exporter's collector/pg_replication.go, pg_replication_slot.go and
# its pg_up; redis_exporter's exporter.go ("up") and sentinels.go.
EXPORTER_METRICS = {
    "pg_up": ("postgres_exporter", "1 when the last scrape reached PostgreSQL"),
    "pg_replication_lag_seconds": ("postgres_exporter", "replication collector"),
    "pg_replication_is_replica": ("postgres_exporter", "replication collector"),
    "pg_replication_slot_slot_is_active": ("postgres_exporter", "replication_slot collector"),
    "redis_up": ("redis_exporter", "1 when the target answered"),
    "redis_sentinel_master_config_epoch": ("redis_exporter", "SENTINEL MASTERS config-epoch"),
    "redis_sentinel_master_ok_slaves": ("redis_exporter", "SENTINEL SLAVES not down"),
    "redis_sentinel_master_ok_sentinels": ("redis_exporter", "SENTINEL SENTINELS not down"),
    "up": ("prometheus", "every scrape target, set by Prometheus itself"),
}
EXPORTER_IMAGES = {
    "postgres_exporter": "quay.io/prometheuscommunity/postgres-exporter:",
    "redis_exporter": "oliver006/redis_exporter:",
    "prometheus": "prom/prometheus:",
}
PROMQL_WORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "inf", "nan",
}  # fmt: skip
DURATION = re.compile(r"^[0-9]+[smhdw]$")


def promql_metrics(expr: str) -> set[str]:
    """Return the metric names an expression selects (not functions, labels, keywords)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        word = match.group()
        following = text[match.end() :].lstrip()
        if following.startswith("(") or word.lower() in PROMQL_WORDS:
            continue  # a function or aggregation, or a keyword
        names.add(word)
    return names


def _balanced(expr: str) -> bool:
    depth = {"(": 0, "{": 0, "[": 0}
    closing = {")": "(", "}": "{", "]": "["}
    for char in re.sub(r'"(?:[^"\\]|\\.)*"', "", expr):
        if char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return False
    return not any(depth.values())


def _rules() -> list[dict]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _queries() -> list[tuple[str, str]]:
    """(where, PromQL) of every dashboard target and alert rule."""
    queries = [
        (f"painel {panel['title']}", target["expr"])
        for panel in dashboard.dashboard()["panels"]
        for target in panel["targets"]
    ]
    queries += [(f"alerta {rule['alert']}", rule["expr"]) for rule in _rules()]
    return queries


def test_promql_metric_extraction():
    assert promql_metrics(
        'histogram_quantile(0.95, sum by (le, view) (rate(x_bucket{status=~"5.."}[5m]))) > 0.3'
    ) == {"x_bucket"}
    assert promql_metrics("a and on(instance) b == 1") == {"a", "b"}
    assert promql_metrics('max by (m) (changes(c[1h])) / sum(d{a="b(c)"})') == {"c", "d"}


def test_alert_rules_are_well_formed():
    data = yaml.safe_load(ALERTS.read_text())
    assert set(data) == {"groups"}
    names = [group["name"] for group in data["groups"]]
    assert len(names) == len(set(names))
    alerts = []
    for group in data["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group["name"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", rule["alert"])
            assert _balanced(rule["expr"]), rule["alert"]
            assert promql_metrics(rule["expr"]), rule["alert"]
            assert "for" not in rule or DURATION.match(rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
            assert rule["annotations"]["summary"].strip(), rule["alert"]
            alerts.append(rule["alert"])
    assert len(alerts) == len(set(alerts))
    for _where, expr in _queries():
        assert _balanced(expr), expr


def test_every_exporter_metric_comes_from_an_exporter_the_compose_file_runs():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    images = {svc.get("image", "") for svc in services.values()}
    for exporter, _why in EXPORTER_METRICS.values():
        assert any(image.startswith(EXPORTER_IMAGES[exporter]) for image in images), exporter


def _served_names(text: str) -> set[str]:
    names = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", text, re.M))
    # Families declared with no sample yet (e.g. no replica configured) count:
    # /metrics does serve them, with their samples once there are any.
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M):
        names.add(name)
        if kind == "counter":
            names.add(f"{name}_total")
        if kind == "histogram":
            names.update(f"{name}_{part}" for part in ("bucket", "count", "sum"))
    return names


@pytest.mark.django_db
def test_every_queried_metric_is_served_by_the_app_or_a_configured_exporter(
    client, settings, analista
):
    settings.METRICS_TOKEN = "k" * 32
    # Traffic that makes each family show up: a failed login, searches (the
    # cache's counters and the search histogram), a task, an export, a check.
    client.post("/conta/entrar/", {"username": analista.email, "password": "errada-123"})
    client.force_login(analista)
    client.get("/api/v1/clients/", {"cpf": "123"})
    client.get("/clientes/", {"cpf": "123"})
    from django.utils import timezone

    from clientes.models import ConsistencyCheck
    from monitoring.tasks import aggregate_usage
    from reports.models import ExportJob

    aggregate_usage.delay()
    now = timezone.now()
    ExportJob.objects.create(
        owner=analista, format="csv", status="done", started_at=now, finished_at=now
    )
    ConsistencyCheck.objects.create(ratio=1.0)
    served = _served_names(
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "k" * 32).content.decode()
    )
    missing = [
        f"{where}: {metric}"
        for where, expr in _queries()
        for metric in sorted(promql_metrics(expr))
        if metric not in served and metric not in EXPORTER_METRICS
    ]
    assert not missing, missing
    # The app's own families that only the ha profile fills are served too.
    assert {"gestao_replica_lag_seconds", "gestao_replica_up"} <= served
