"""The permission set is cached in Redis between requests and dropped on any change."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import ANALISTA


def _permission_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries if "auth_permission" in q["sql"]]


def test_second_request_reads_permissions_from_redis(analista_client):
    first, queries = _permission_queries(analista_client, "/clientes/")
    assert first.status_code == 200 and queries  # computed once from PostgreSQL

    second, queries = _permission_queries(analista_client, "/clientes/")
    assert second.status_code == 200
    assert queries == []


def test_leaving_the_role_takes_effect_on_the_next_request(
    analista_client, analista, django_capture_on_commit_callbacks
):
    assert analista_client.get("/clientes/").status_code == 200  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        analista.groups.clear()

    assert analista_client.get("/clientes/").status_code == 403


def test_a_role_losing_a_permission_takes_effect_on_the_next_request(
    analista_client, django_capture_on_commit_callbacks
):
    assert analista_client.get("/clientes/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Group.objects.get(name=ANALISTA).permissions.remove(
            Permission.objects.get(codename="view_cliente")
        )

    assert analista_client.get("/clientes/").status_code == 403


def test_a_deleted_permission_takes_effect_on_the_next_request(
    analista_client, django_capture_on_commit_callbacks
):
    assert analista_client.get("/clientes/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Permission.objects.get(codename="view_cliente").delete()

    assert analista_client.get("/clientes/").status_code == 403


def test_no_change_is_visible_before_it_commits(analista_client, analista):
    """A rolled-back removal never invalidates: the role still works."""
    assert analista_client.get("/clientes/").status_code == 200
    analista.groups.clear()  # the test's transaction is rolled back: no on_commit
    analista.groups.add(Group.objects.get(name=ANALISTA))
    assert analista_client.get("/clientes/").status_code == 200
