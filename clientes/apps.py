from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClientesConfig(AppConfig):
    name = "clientes"
    verbose_name = "Clientes"

    def ready(self):
        from audit import hooks
        from clientes import tasks  # noqa: F401 - registered: clientes.bulk sends it by name
        from clientes.cache import signals
        from clientes.cache.schedule import ensure_reconcile_schedule
        from clientes.models import Cliente, Endereco, MissedInvalidation, Telefone
        from clientes.selectors import cliente_get_by_cpf
        from common.cache import store

        # The cache machinery sits below the apps: tell it what it caches.
        store.register(models=(Cliente, Endereco, Telefone), missed_log=MissedInvalidation)
        # The audit trail's "cliente" filter accepts a CPF.
        hooks.register_target_lookup(
            "clientes.cliente", lambda *, user, key: cliente_get_by_cpf(user=user, cpf=key)
        )
        signals.connect()
        post_migrate.connect(
            ensure_reconcile_schedule, sender=self, dispatch_uid="clientes.reconcile_schedule"
        )
