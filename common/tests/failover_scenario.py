"""Searches, profiles and an export while Sentinel fails the Redis master over.

Run by ``test_redis_sentinel.py`` as ``python -m common.tests.failover_scenario
EMAIL CLIENT_ID SECONDS READY_FILE`` with ``REDIS_SENTINELS`` set, so the cache
and the broker are configured exactly as in production. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from common.cache import metrics  # noqa: E402
from monitoring.task_metrics import broker_redis  # noqa: E402
from reports.models import ExportJob  # noqa: E402


def main(email: str, client_id: int, seconds: float, ready_file: Path) -> dict:
    browser = Client()
    browser.force_login(User.objects.get(email=email))
    requests = []
    started = time.time()
    while time.time() - started < seconds:
        at = time.time()
        profile = browser.get(f"/api/v1/clients/{client_id}/")
        search = browser.get("/api/v1/clients/search", {"nome": "Sentinela"})
        counters = metrics.snapshot()["counters"]
        requests.append(
            {
                "at": at,
                "statuses": [profile.status_code, search.status_code],
                "hits": counters.get("hit.profile", 0) + counters.get("hit.search", 0),
            }
        )
        ready_file.touch()
        time.sleep(0.05)
    # After the failover: an export through the broker, done by a real worker.
    answer = browser.post(
        "/api/v1/clients/export?format=csv",
        data=json.dumps({"nome": "Sentinela"}),
        content_type="application/json",
    )
    job_status = None
    if answer.status_code == 202:
        job = ExportJob.objects.get(pk=answer.json()["id"])
        deadline = time.monotonic() + 90
        while not job.is_finished and time.monotonic() < deadline:
            time.sleep(0.5)
            job.refresh_from_db()
        job_status = job.status
    return {
        "requests": requests,
        "export_status": answer.status_code,
        "export_job": job_status,
        "counters": metrics.snapshot()["counters"],
        # /metrics and the health check reach the broker through the sentinels too.
        "broker_answers": broker_redis().ping(),
        "health": Client()
        .get("/health/deep/", headers={"Authorization": f"Bearer {os.environ['METRICS_TOKEN']}"})
        .json(),
    }


if __name__ == "__main__":
    email, client_id, seconds, ready = sys.argv[1:5]
    print(json.dumps(main(email, int(client_id), float(seconds), Path(ready))))
