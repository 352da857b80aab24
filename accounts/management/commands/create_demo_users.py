"""Create one demo user per role (idempotent). Used by ``make run``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE, sync_roles

DEMO_USERS = [
    ("admin@example.com", "Administradora Demo", ADMINISTRADOR),
    ("gerente@example.com", "Gerente Demo", GERENTE),
    ("analista@example.com", "Maria Analista", ANALISTA),
    ("encarregado@example.com", "Encarregado LGPD Demo", ENCARREGADO),
]


class Command(BaseCommand):
    help = "Create the demo users admin@, gerente@, analista@ and encarregado@example.com."

    def handle(self, *args, **options):
        sync_roles()
        User = get_user_model()
        for email, nome, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"nome": nome, "is_staff": role == ADMINISTRADOR}
            )
            if created:
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
                self.stdout.write(f"Created demo user {email} ({role})")
            user.groups.set([Group.objects.get(name=role)])
