from django.apps import AppConfig


class ClientesConfig(AppConfig):
    name = "clientes"
    verbose_name = "Clientes"

    def ready(self):
        from clientes.cache import signals

        signals.connect()
