"""Who may use each URL of reports. See accounts/tests/matrix.py.

Export jobs belong to the Analista who asked for them: another user gets 404
(not 403, so job ids reveal nothing); an Administrador may open any job.
"""

from accounts.roles import ANALISTA
from accounts.tests.matrix import LOGIN, api, custom, page, public
from reports.models import ExportJob


def _analysts_job(ctx):
    job = ExportJob.objects.create(owner=ctx.users[ANALISTA], format="csv", fields=["cpf"])
    return {"pk": job.pk}


def _owner_only(owner, other, admin, *, anonymous=LOGIN, **options):
    return custom(
        anonymous, owner, other, admin, encarregado=other, kwargs=_analysts_job, **options
    )


url_rules = {
    "reports:index": page(ANALISTA),
    # The old address of the managers' metrics: a redirect for everyone, the
    # new page then checks who may see it (monitoring/tests/url_rules.py).
    "reports:metricas": public(302),
    "reports:export_create": page(
        ANALISTA, method="post", data={"exp-format": "csv", "exp-fields": ["cpf"]}
    ),
    "reports:export_detail": _owner_only(200, 404, 200),
    # A queued job has no file yet: 409 for those who may see it.
    "reports:export_download": _owner_only(409, 404, 409),
    "reports:export_cancel": _owner_only(302, 404, 302, method="post"),
    # Without ?format= the request is bad input, once past the permission check.
    "api-client-export": api(ANALISTA, method="post", data={}, ok=400),
    "api-export-list": api(ANALISTA),
    "api-export-detail": _owner_only(200, 404, 200, anonymous=401),
    "api-export-download": _owner_only(409, 404, 409, anonymous=401),
    "api-export-cancel": _owner_only(
        200, 404, 200, anonymous=401, method="post", content_type="application/json"
    ),
}
