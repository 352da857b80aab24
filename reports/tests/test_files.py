"""Export files on disk: they go away with their jobs and their owner."""

from pathlib import Path

import pytest
from django.db import transaction

from reports.models import ExportJob
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export


@pytest.fixture
def clientes(db):
    return make_clientes(20)


def test_deleting_a_user_in_the_admin_deletes_their_export_files(
    admin_client_, analista, gerente, clientes, django_capture_on_commit_callbacks
):
    theirs = [run_export(analista, {}, fmt=fmt) for fmt in ("csv", "xlsx")]
    other = run_export(gerente, {}, fmt="csv")
    paths = [Path(job.file.path) for job in theirs]
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            f"/admin/accounts/user/{analista.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not ExportJob.objects.filter(owner_id=analista.pk).exists()
    assert not any(path.exists() for path in paths)
    assert Path(other.file.path).exists()


def test_a_failed_user_deletion_keeps_the_files(
    analista, clientes, django_capture_on_commit_callbacks
):
    job = run_export(analista, {}, fmt="csv")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        analista.delete()
        raise RuntimeError("rolled back")
    assert Path(job.file.path).exists()
    assert ExportJob.objects.filter(pk=job.pk).exists()
