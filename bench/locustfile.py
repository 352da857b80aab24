"""Locust user of bench/load.py: an analyst who logs in, searches, opens profiles.

Run by ``python -m bench.load`` (which prepares users, data and servers and
passes everything through LOAD_* environment variables), not by hand.
Every request is recorded with its time so the runner can report the steady
state separately from the ramp-up.
"""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

SAMPLES = json.loads(os.environ["LOAD_SAMPLES"])
PASSWORD = os.environ["LOAD_PASSWORD"]
THINK_MIN, THINK_MAX = (float(v) for v in os.environ.get("LOAD_THINK", "5,15").split(","))
RESULTS = os.environ["LOAD_RESULTS"]
# Exports once reports' export screen is installed ("" skips the step).
EXPORT_PATH = os.environ.get("LOAD_EXPORT_PATH", "")
PROFILE_LINK = re.compile(r'href="/clientes/(\d+)/"|"id_cliente":\s*(\d+)')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_accounts = itertools.count()
_records: list[tuple[str, float, int, float, str]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    # (step, ms, failed, when, why): the runner reports failures by cause.
    why = str(exception)[:120] if exception else ""
    _records.append((name, response_time, 1 if exception else 0, time.time(), why))


@events.quitting.add_listener
def _save(environment, **kwargs):
    with open(RESULTS, "w") as out:
        json.dump(_records, out)


class Analista(FastHttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.email = SAMPLES["emails"][next(_accounts) % len(SAMPLES["emails"])]
        self.profile_ids: list[str] = []
        origin = self.host.rstrip("/")
        page = self.client.get("/conta/entrar/", name="login (form)")
        token = CSRF_FIELD.search(page.text or "")
        with self.client.post(
            "/conta/entrar/",
            data={
                "username": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Origin": origin, "Referer": origin + "/conta/entrar/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login: HTTP {response.status_code}")

    @task(10)
    def search(self):
        # bench/search.py's mix: each kind as often as that benchmark sends it.
        kind, path, params = random.choice(SAMPLES["searches"])
        with self.client.get(
            path,
            params=params,
            headers={"HX-Request": "true"},
            name=f"busca: {kind}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            found = [a or b for a, b in PROFILE_LINK.findall(response.text or "")]
            if found:
                self.profile_ids = found[:5]

    @task(1)
    def export(self):
        """Export a small search (one city and sex) as CSV, as the screen does."""
        if not EXPORT_PATH:
            return
        cidade, uf = random.choice(SAMPLES["cidades"])
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        origin = self.host.rstrip("/")
        with self.client.post(
            EXPORT_PATH,
            data=urlencode(
                {
                    "cidade": cidade,
                    "uf": uf,
                    "sexo": random.choice(["M", "F"]),
                    "exp-format": "csv",
                    "exp-csv_dialect": "excel",
                    "exp-fields": ["cpf", "nome_completo", "email"],
                },
                doseq=True,
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": token,
                "Origin": origin,
                "Referer": origin + "/clientes/",
            },
            name="exportar",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 302):
                response.failure(f"HTTP {response.status_code}")

    @task(4)
    def profile(self):
        if not self.profile_ids:
            return
        self.client.get(f"/clientes/{random.choice(self.profile_ids)}/", name="perfil")
