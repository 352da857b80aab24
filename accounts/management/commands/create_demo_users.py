"""Create one demo user per role (idempotent). Used by ``make run``.

The demo password is public (README), so with DEBUG off (production) the
command refuses to run unless told explicitly, as ``make run`` does, that this
is a throwaway environment.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMINISTRADOR, ANALISTA, ENCARREGADO, GERENTE, sync_roles

DEMO_USERS = [
    ("admin@example.com", "Administradora Demo", ADMINISTRADOR),
    ("gerente@example.com", "Gerente Demo", GERENTE),
    ("analista@example.com", "Maria Analista", ANALISTA),
    ("encarregado@example.com", "Encarregado LGPD Demo", ENCARREGADO),
]


class Command(BaseCommand):
    help = "Create the demo users admin@, gerente@, analista@ and encarregado@example.com."

    def add_arguments(self, parser):
        parser.add_argument(
            "--known-password-ok",
            action="store_true",
            help="Create them even with DEBUG off (make run's local stack; never production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["known_password_ok"]:
            raise CommandError(
                "Refusing to create demo users with a publicly known password while "
                "DEBUG is off (this looks like production). For a throwaway local "
                "environment, pass --known-password-ok."
            )
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
