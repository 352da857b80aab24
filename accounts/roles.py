"""The four roles of the system, as Django groups with explicit permissions.

Roles are data, but their permissions are part of the code: ``sync_roles`` makes
the groups in the database match this table and runs after every migrate.
"""

from django.utils.translation import gettext_lazy as _

ANALISTA = "Analista"
GERENTE = "Gerente"
ADMINISTRADOR = "Administrador"
# The data protection officer (LGPD "encarregado"): a branch beside the line
# Analista < Gerente < Administrador, not a step on it.
ENCARREGADO = "Encarregado"

ROLE_LABELS = {
    ANALISTA: _("Analista"),
    GERENTE: _("Gerente"),
    ADMINISTRADOR: _("Administrador"),
    ENCARREGADO: _("Encarregado (LGPD)"),
}

# "app_label.codename" of each permission a role holds. Gerente has everything
# Analista has; Administrador has everything.
_ANALISTA_PERMS = [
    "clientes.view_cliente",
    "clientes.add_cliente",
    "clientes.change_cliente",
]
ROLE_PERMISSIONS = {
    ANALISTA: _ANALISTA_PERMS,
    GERENTE: [
        *_ANALISTA_PERMS,
        "clientes.view_cpf_completo",
        "monitoring.view_dailyusage",
        # Share saved searches and act on every client of a search (clientes.bulk).
        "clientes.share_savedsearch",
        "clientes.add_bulkaction",
        # Find and merge probable duplicates (/clientes/duplicados/).
        "duplicates.merge_clientes",
        # Import clients from spreadsheets (imports).
        "imports.add_importjob",
    ],
    ADMINISTRADOR: None,  # None: every permission of the project's apps
    # Answers data subjects: finds and reads clients (full CPF, blocked ones
    # included) and holds every permission of the lgpd app.
    ENCARREGADO: [
        *_ANALISTA_PERMS,
        "clientes.view_cpf_completo",
        "clientes.view_cliente_bloqueado",
        "lgpd.*",
    ],
}

ADMIN_APPS = (
    "accounts", "clientes", "reports", "audit", "django_celery_beat", "monitoring", "lgpd",
    "webhooks", "duplicates", "imports",
)  # fmt: skip


def sync_roles():
    """Create or update the role groups so their permissions match ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        if perms is None:
            wanted = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
        else:
            wanted = Permission.objects.none()
            for dotted in perms:
                app_label, codename = dotted.split(".")
                app_perms = Permission.objects.filter(content_type__app_label=app_label)
                wanted = wanted | (
                    app_perms if codename == "*" else app_perms.filter(codename=codename)
                )
        group.permissions.set(wanted)


# Highest first, for users holding several roles (audit._ROLE_SQL mirrors it).
ROLE_ORDER = (ADMINISTRADOR, ENCARREGADO, GERENTE, ANALISTA)


def user_role(user):
    """Return the name of the user's highest role, or None."""
    # .all() uses groups prefetched by a list view instead of a query per user.
    names = {group.name for group in user.groups.all()}
    for role in ROLE_ORDER:
        if role in names:
            return role
    return ADMINISTRADOR if user.is_superuser else None


def may_manage(actor, target) -> bool:
    """Return whether ``actor`` may change ``target``'s account (role, password, access).

    A superuser's account only by a superuser: otherwise an Administrador
    could reset a superuser's password and become one.
    """
    return actor.is_superuser or not target.is_superuser
