"""Who may use the import URLs (accounts/tests/matrix.py). Gerente and up import;
Analistas only when allowed in Configurações (imports/tests/test_views.py). A
job is its owner's: others get 404, administrators see and undo every job."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import GERENTE
from accounts.tests.matrix import LOGIN, api, custom, page
from imports import services
from imports.tests.conftest import csv_bytes, person


class _FreshUpload(dict):
    """A multipart body whose file is a new one for each visitor (a file is read once)."""

    def __init__(self, **fields):
        super().__init__(file=None, **fields)

    def items(self):
        yield "file", SimpleUploadedFile("clientes.csv", csv_bytes([person()]))
        yield from ((k, v) for k, v in super().items() if k != "file")


def _job(ctx, **options):
    upload = SimpleUploadedFile("clientes.csv", csv_bytes([person()]))
    return services.import_request(user=ctx.users[GERENTE], upload=upload, **options)


def _dry_run(ctx):
    return {"pk": _job(ctx).pk}


def _applied(ctx):
    return {"pk": _job(ctx, dry_run=False).pk}


def _draft(ctx):
    upload = SimpleUploadedFile("clientes.csv", csv_bytes([person()]))
    return {"pk": services.import_upload(user=ctx.users[GERENTE], upload=upload).pk}


url_rules = {
    "imports:upload": page(GERENTE),
    "imports:history": page(GERENTE),
    # Another user's job: 404 (ids reveal nothing); administrators see all.
    "imports:detail": custom(LOGIN, 404, 200, 200, kwargs=_dry_run),
    "imports:mapping": custom(LOGIN, 403, 200, 200, kwargs=_draft),
    "imports:errors": custom(LOGIN, 404, 200, 200, kwargs=_dry_run),
    # Applying is the owner's own step; an administrator may not apply someone's dry run.
    "imports:apply": custom(LOGIN, 403, 302, 403, method="post", kwargs=_dry_run),
    "imports:cancel": custom(LOGIN, 404, 302, 302, method="post", kwargs=_dry_run),
    "imports:undo": custom(LOGIN, 403, 302, 302, method="post", kwargs=_applied),
    "clients-imports": api(
        GERENTE, ok=202, method="post", data=_FreshUpload(dry_run="true"), content_type=None
    ),
    "clients-imports-detail": custom(401, 404, 200, 200, kwargs=_dry_run),
    "clients-imports-errors": custom(401, 404, 200, 200, kwargs=_dry_run),
    "clients-imports-cancel": custom(401, 404, 409, 409, method="post", kwargs=_dry_run),
    "clients-imports-undo": custom(401, 404, 200, 200, method="post", kwargs=_applied),
}
