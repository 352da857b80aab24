"""The Grafana dashboard, written as data: ``python -m monitoring.dashboard``
regenerates deploy/grafana/dashboards/gestao-clientes.json (a test checks the
file is current and that every metric it charts is one /metrics serves).
"""

import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "deploy" / "grafana" / "dashboards"
OUTPUT = OUTPUT / "gestao-clientes.json"

# (title, unit, [(legend, PromQL)]) — one time-series panel each, two per row.
PANELS = [
    (
        "Requisições por status",
        "reqps",
        [
            (
                "{{status}}",
                "sum by (status) (rate(django_http_responses_total_by_status_total[5m]))",
            )
        ],
    ),
    (
        "Latência p95 por view",
        "s",
        [
            (
                "{{view}}",
                "histogram_quantile(0.95, sum by (le, view) "
                "(rate(django_http_requests_latency_seconds_by_view_method_bucket[5m])))",
            )
        ],
    ),
    (
        "Pesquisas: latência p95 por tipo",
        "s",
        [
            (
                "{{kind}}",
                "histogram_quantile(0.95, sum by (le, kind) "
                "(rate(gestao_search_duration_seconds_bucket[5m])))",
            )
        ],
    ),
    (
        "Pesquisas por tipo",
        "reqps",
        [("{{kind}}", "sum by (kind) (rate(gestao_search_duration_seconds_count[5m]))")],
    ),
    (
        "Logins por resultado",
        "ops",
        [("{{result}}", "sum by (result) (rate(gestao_logins_total[5m]))")],
    ),
    ("Sessões ativas", "short", [("sessões", "gestao_active_sessions")]),
    (
        "Cache Redis: taxa de acerto",
        "percentunit",
        [
            (
                "acertos",
                'sum(rate(gestao_redis_keyspace_lookups_total{result="hit"}[5m])) / '
                "sum(rate(gestao_redis_keyspace_lookups_total[5m]))",
            )
        ],
    ),
    (
        "Cache de clientes: taxa de acerto por tipo",
        "percentunit",
        [
            (
                "{{kind}}",
                'sum by (kind) (rate(gestao_cache_lookups_total{result="hit"}[5m])) / '
                "sum by (kind) (rate(gestao_cache_lookups_total[5m]))",
            )
        ],
    ),
    (
        "Cache de clientes: leituras degradadas e erros do Redis",
        "ops",
        [("{{event}}", "sum by (event) (rate(gestao_cache_events_total[5m]))")],
    ),
    (
        "Redis: latência do PING",
        "s",
        [("ping", "gestao_redis_ping_seconds"), ("disponível", "gestao_redis_up")],
    ),
    (
        "Fila do Celery",
        "short",
        [
            ("aguardando {{queue}}", "gestao_celery_queue_length"),
            ("com os workers", "gestao_celery_tasks_reserved"),
        ],
    ),
    (
        "Tarefas do Celery por nome e situação",
        "ops",
        [("{{task}} {{state}}", "sum by (task, state) (rate(gestao_celery_tasks_total[5m]))")],
    ),
    (
        "Tarefas do Celery: duração p95",
        "s",
        [
            (
                "{{task}}",
                "histogram_quantile(0.95, sum by (le, task) "
                "(rate(gestao_celery_task_duration_seconds_bucket[15m])))",
            )
        ],
    ),
    (
        "Exportações por formato e situação",
        "short",
        [("{{format}} {{status}}", "gestao_exports")],
    ),
    (
        "Exportações: duração p95 (24 h)",
        "s",
        [("{{format}}", "gestao_export_duration_p95_seconds")],
    ),
    (
        "Consistência do cache (última reconciliação)",
        "percentunit",
        [("consistência", "gestao_cache_consistency_ratio")],
    ),
    (
        "Bloqueios por tentativas de login",
        "short",
        [("bloqueios", "increase(gestao_lockouts_total[1h])")],
    ),
    (
        "Erros 5xx",
        "reqps",
        [
            (
                "5xx",
                'sum(rate(django_http_responses_total_by_status_total{status=~"5.."}[5m]))',
            )
        ],
    ),
    # Several app nodes (the ha profile): per-route rate, each node, replicas,
    # Redis failovers. pg_* and redis_* come from the exporters of
    # docker-compose.yml's ha profile, up from Prometheus itself.
    (
        "Requisições por view",
        "reqps",
        [
            (
                "{{view}}",
                "sum by (view) "
                "(rate(django_http_requests_total_by_view_transport_method_total[5m]))",
            )
        ],
    ),
    (
        "Nós web: no ar e requisições por nó",
        "short",
        [
            ("{{instance}} no ar", 'up{job="gestao-web"}'),
            (
                "{{instance}} req/s",
                "sum by (instance) (rate(django_http_responses_total_by_status_total[5m]))",
            ),
        ],
    ),
    (
        "Importações (tarefas por situação)",
        "ops",
        [
            (
                "{{task}} {{state}}",
                'sum by (task, state) (rate(gestao_celery_tasks_total{task=~"imports\\..*"}[5m]))',
            )
        ],
    ),
    (
        "Réplicas do PostgreSQL: atraso",
        "s",
        [
            ("app: {{replica}}", "gestao_replica_lag_seconds"),
            (
                "exporter: {{instance}}",
                "pg_replication_lag_seconds and pg_replication_is_replica == 1",
            ),
        ],
    ),
    (
        "Réplicas do PostgreSQL: em uso e conectadas",
        "short",
        [
            ("em uso {{replica}}", "min by (replica) (gestao_replica_up)"),
            ("slot ativo {{slot_name}}", "pg_replication_slot_slot_is_active"),
            ("PostgreSQL no ar {{instance}}", "pg_up"),
        ],
    ),
    (
        "Redis: failovers (Sentinel) e réplicas",
        "short",
        [
            (
                "failovers em 1 h",
                "max by (master_name) (changes(redis_sentinel_master_config_epoch[1h]))",
            ),
            ("réplicas ok", "min by (master_name) (redis_sentinel_master_ok_slaves)"),
            ("sentinelas ok", "min by (master_name) (redis_sentinel_master_ok_sentinels)"),
            ("Redis no ar {{instance}}", "redis_up"),
        ],
    ),
]


def _panel(index: int, title: str, unit: str, targets) -> dict:
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + n), "expr": expr, "legendFormat": legend}
            for n, (legend, expr) in enumerate(targets)
        ],
    }


def dashboard() -> dict:
    """Return the dashboard as Grafana's JSON model."""
    return {
        "uid": "gestao-clientes",
        "title": "Gestão de Clientes",
        "tags": ["gestao-clientes"],
        "timezone": "browser",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "panels": [_panel(i, *panel) for i, panel in enumerate(PANELS)],
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render())
    sys.stdout.write(f"wrote {OUTPUT}\n")
