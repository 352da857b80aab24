from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Relatórios e exportações"

    def ready(self):
        from reports import tasks  # noqa: F401 - registered: reports.services sends it by name
        from reports.models import ExportJob
        from reports.receivers import delete_export_file
        from reports.schedule import ensure_housekeeping_schedule

        post_migrate.connect(ensure_housekeeping_schedule, sender=self)
        post_delete.connect(delete_export_file, sender=ExportJob)
