"""Application metrics counted as things happen (in every web process).

django-prometheus adds the HTTP ones (latency by view, status codes); values
read from PostgreSQL/Redis at scrape time live in monitoring.collectors.
Names start with ``gestao_`` so the Grafana dashboard finds ours at a glance.
"""

from prometheus_client import Counter

LOGINS = Counter(
    "gestao_logins_total",
    "Tentativas de login, por resultado (succeeded/failed).",
    ["result"],
)
LOCKOUTS = Counter("gestao_lockouts_total", "Bloqueios por excesso de tentativas de login.")
