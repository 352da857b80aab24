"""Create the three role groups; their permissions are synced after every migrate.

Permissions of apps migrated later do not exist yet at this point, so
``accounts.roles.sync_roles`` (post_migrate) fills them in.
"""

from django.db import migrations

ROLES = ("Analista", "Gerente", "Administrador")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_token_version_must_change_password"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
