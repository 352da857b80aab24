from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClientesConfig(AppConfig):
    name = "clientes"
    verbose_name = "Clientes"

    def ready(self):
        from clientes.cache import signals
        from clientes.cache.schedule import ensure_reconcile_schedule

        signals.connect()
        post_migrate.connect(
            ensure_reconcile_schedule, sender=self, dispatch_uid="clientes.reconcile_schedule"
        )
