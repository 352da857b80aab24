"""Whoever can write to Redis can neither run code in our processes nor grant power.

The values are written into the real Redis under the real keys, then the real
pages and endpoints are requested, as an attacker with access to Redis (but
not to ``SECRET_KEY``) would do.
"""

import datetime
import os
import pickle
import time
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts.permission_cache import PERMISSIONS
from common.cache import codec, store
from reports.models import ExportJob, ExportStatus

AUDIT_URL = reverse("audit:event_list")


class _Payload:
    """Unpickling this runs a shell command (it creates ``path``)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def _permission_key(user) -> str:
    return store.key(PERMISSIONS, user.pk, int(user.is_superuser))


def _stamp(conn) -> tuple:
    gens, _values = store.read_with_generations(conn, (store.EPOCH, PERMISSIONS), [])
    return (gens[store.EPOCH], gens[PERMISSIONS])


def _every_permission() -> frozenset:
    return frozenset(
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    )


def test_pickled_payload_under_a_permission_key_runs_nothing(analista_client, analista, tmp_path):
    marker = tmp_path / "pwned"
    conn = get_redis_connection("default")
    conn.set(_permission_key(analista), pickle.dumps(_Payload(marker)), ex=600)

    response = analista_client.get(reverse("clientes:search"))

    assert response.status_code == 200
    assert not marker.exists()


def test_pickled_permission_set_grants_nothing(analista_client, analista):
    conn = get_redis_connection("default")
    forged = (_stamp(conn), time.time() + 600, _every_permission())
    conn.set(_permission_key(analista), pickle.dumps(forged), ex=600)

    assert analista_client.get(AUDIT_URL).status_code == 403


def test_forged_permission_set_in_our_own_format_grants_nothing(analista_client, analista):
    conn = get_redis_connection("default")
    body = codec.encode((_stamp(conn), time.time() + 600, _every_permission()))
    conn.set(_permission_key(analista), b"\0" * 32 + body, ex=600)

    assert analista_client.get(AUDIT_URL).status_code == 403
    assert analista_client.get(reverse("clientes:search")).status_code == 200


def test_administrators_set_copied_under_an_analysts_key_grants_nothing(
    client, analista, administrador
):
    client.force_login(administrador)
    assert client.get(AUDIT_URL).status_code == 200  # the administrator's set is cached now
    conn = get_redis_connection("default")
    conn.set(_permission_key(analista), conn.get(_permission_key(administrador)), ex=600)

    client.force_login(analista)
    assert client.get(AUDIT_URL).status_code == 403


def test_pickled_payload_through_django_redis_runs_nothing(analista, tmp_path):
    """Everything else in Redis (export progress, API throttling) goes through django-redis."""
    marker = tmp_path / "pwned"
    job = ExportJob.objects.create(
        owner=analista, format="csv", fields=["cpf"], status=ExportStatus.RUNNING, progress=7
    )
    conn = get_redis_connection("default")
    conn.set(cache.make_key(f"reports:export:{job.pk}:progress"), pickle.dumps(_Payload(marker)))

    api = APIClient()
    api.force_authenticate(analista)
    response = api.get(reverse("api-export-detail", kwargs={"pk": job.pk}))

    assert response.status_code == 200
    assert response.json()["progress"] == 7  # the stored value, not the attacker's
    assert not marker.exists()


@pytest.mark.parametrize(
    "value",
    [
        (1, "a", None, True, 2.5, b"\x00"),
        {"rows": [{"data_nascimento": datetime.date(1980, 5, 17)}], "n": (1, (2, [3]))},
        (datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC), datetime.time(7, 8)),
        [Decimal("10.25"), uuid.UUID(int=5), {3, 4}],
        frozenset({"clientes.view_cliente", "reports.add_exportjob"}),
    ],
)
def test_codec_round_trips_what_the_cache_stores(value):
    assert codec.decode(codec.encode(value)) == value
