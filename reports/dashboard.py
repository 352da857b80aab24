"""The home dashboard's export panels: mine in progress; today's activity for managers."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.choices import Action
from audit.models import AuditEvent
from reports.models import ExportStatus
from reports.selectors import export_job_list


def exports_in_progress(user) -> dict:
    """Return the panel of the user's exports still queued or running."""
    jobs = export_job_list(user=user).filter(
        status__in=(ExportStatus.PENDING, ExportStatus.RUNNING)
    )[:5]
    return {
        "title": _("Minhas exportações em andamento"),
        "items": [
            {
                "label": f"{job.get_format_display()} · {job.row_count} {_('clientes')}",
                "detail": job.get_status_display(),
                "url": reverse("reports:index") + "#minhas-exportacoes",
            }
            for job in jobs
        ],
        "empty": _("Nenhuma exportação em andamento."),
        "more": {"label": _("Minhas exportações"), "url": reverse("reports:index")},
    }


def today_activity(user) -> dict:
    """Return the panel of today's searches and exports (everyone's), for managers."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = AuditEvent.objects.filter(occurred_at__gte=start)
    searches = today.filter(action=Action.CLIENTE_SEARCH).count()
    exports = today.filter(action=Action.EXPORT_REQUEST).count()
    return {
        "title": _("Hoje na equipe"),
        "items": [
            {"label": _("Pesquisas"), "detail": str(searches)},
            {"label": _("Exportações solicitadas"), "detail": str(exports)},
        ],
        "empty": "",
    }
