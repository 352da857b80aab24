from django.apps import AppConfig


class LgpdConfig(AppConfig):
    name = "lgpd"
    verbose_name = "LGPD"

    def ready(self):
        from lgpd import receivers

        receivers.connect()
