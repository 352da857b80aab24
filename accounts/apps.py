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
        from accounts.roles import ADMINISTRADOR, ROLE_ORDER
        from accounts.system_settings import current_settings
        from audit import hooks

        # The audit log sits below accounts: hand it the roles and the retention.
        hooks.register_roles(order=ROLE_ORDER, superuser_role=ADMINISTRADOR)
        hooks.register_retention(lambda: current_settings().audit_retention_days)

        # After every app's post_migrate, not only ours: Django creates each
        # app's permissions in that app's own post_migrate, and apps listed
        # after accounts (clientes, reports...) would otherwise have none yet
        # when the roles are synced, leaving a fresh database's roles empty.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
