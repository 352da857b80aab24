"""Application metrics counted as things happen (in every web process).

django-prometheus adds the HTTP ones (latency by view, status codes); the
client cache counts its own in common.cache.metrics; values read from
PostgreSQL/Redis at scrape time (Celery tasks included) live in
monitoring.collectors.
Names start with ``gestao_`` so the Grafana dashboard finds ours at a glance.
"""

from prometheus_client import Counter, Histogram

LOGINS = Counter(
    "gestao_logins_total",
    "Tentativas de login, por resultado (succeeded/failed).",
    ["result"],
)
LOCKOUTS = Counter("gestao_lockouts_total", "Bloqueios por excesso de tentativas de login.")
SEARCH_LATENCY = Histogram(
    "gestao_search_duration_seconds",
    "Duração das pesquisas de clientes (tela e API), por tipo de pesquisa.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5),
)
