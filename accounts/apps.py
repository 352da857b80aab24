from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from accounts.roles import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Contas e acessos"

    def ready(self):
        from accounts import receivers  # noqa: F401 - connects the receivers

        # After every migrate, so permissions of newly added models are granted.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts.sync_roles")
