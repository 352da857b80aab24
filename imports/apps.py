from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Importação de clientes")

    def ready(self):
        # Register the task in every process: services queue it by name
        # (imports.services.IMPORT_RUN_TASK), and eager mode runs only known tasks.
        from imports import tasks  # noqa: F401
