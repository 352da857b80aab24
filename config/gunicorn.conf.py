"""Gunicorn settings shared by production (docker-compose) and ``make run``.

Values come from the environment so that the same file serves every deployment.
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# No gunicorn access log: monitoring.middleware writes one JSON line per
# request, without the query string (searches can carry CPFs).
accesslog = None
errorlog = "-"
# gunicorn believes X-Forwarded-Proto only from the same proxies as Django
# (config/trusted_proxy.py); nobody when TRUSTED_PROXIES is unset.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "")
# Request bodies and headers of hostile size are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# Prometheus: every worker process writes its samples to files in this
# directory and /metrics adds them up (prometheus_client multiprocess mode).
# It must be set before the workers import the app, and start empty.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="gestao-metrics-"))


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
