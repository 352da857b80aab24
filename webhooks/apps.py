from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from clientes.signals import cliente_changed, clientes_changed
        from webhooks import services

        cliente_changed.connect(services.on_cliente_changed, dispatch_uid="webhooks.cliente")
        clientes_changed.connect(services.on_clientes_changed, dispatch_uid="webhooks.clientes")
