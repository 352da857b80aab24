from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoramento"

    def ready(self):
        from monitoring import receivers  # noqa: F401 - connects the signal receivers
