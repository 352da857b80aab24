from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Auditoria")

    def ready(self):
        from celery import signals as celery_signals
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from audit import receivers

        uid = "audit."
        post_save.connect(receivers.on_admin_log_entry, sender=LogEntry, dispatch_uid=uid + "admin")
        celery_signals.before_task_publish.connect(
            receivers.on_before_task_publish, dispatch_uid=uid + "publish"
        )
        celery_signals.task_prerun.connect(receivers.on_task_prerun, dispatch_uid=uid + "prerun")
        celery_signals.task_postrun.connect(receivers.on_task_postrun, dispatch_uid=uid + "postrun")
