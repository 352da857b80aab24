from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Auditoria")

    def ready(self):
        from celery import signals as celery_signals
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import post_save

        from audit import receivers

        uid = "audit."
        auth_signals.user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid=uid + "in")
        auth_signals.user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid=uid + "out")
        auth_signals.user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid=uid + "failed"
        )
        post_save.connect(receivers.on_admin_log_entry, sender=LogEntry, dispatch_uid=uid + "admin")
        from accounts import signals as account_signals

        for name, receiver in receivers.ACCOUNT_SIGNAL_RECEIVERS.items():
            getattr(account_signals, name).connect(receiver, dispatch_uid=uid + name)
        from accounts.mfa import signals as mfa_signals

        for name, receiver in receivers.MFA_SIGNAL_RECEIVERS.items():
            getattr(mfa_signals, name).connect(receiver, dispatch_uid=uid + name)
        from reports import signals as report_signals

        report_signals.export_requested.connect(
            receivers.on_export_requested, dispatch_uid=uid + "export_requested"
        )
        report_signals.export_finished.connect(
            receivers.on_export_finished, dispatch_uid=uid + "export_finished"
        )
        report_signals.export_downloaded.connect(
            receivers.on_export_downloaded, dispatch_uid=uid + "export_downloaded"
        )
        if apps.is_installed("axes"):
            from axes.signals import user_locked_out

            user_locked_out.connect(receivers.on_user_locked_out, dispatch_uid=uid + "lockout")
        celery_signals.before_task_publish.connect(
            receivers.on_before_task_publish, dispatch_uid=uid + "publish"
        )
        celery_signals.task_prerun.connect(receivers.on_task_prerun, dispatch_uid=uid + "prerun")
        celery_signals.task_postrun.connect(receivers.on_task_postrun, dispatch_uid=uid + "postrun")
