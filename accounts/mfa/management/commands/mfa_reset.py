"""Break-glass: reset a user's 2FA from the server when no administrator can log in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.mfa.services import mfa_reset
from audit import context as audit_context


class Command(BaseCommand):
    help = (
        "Remove every second factor of the user with this e-mail (audited); "
        "they enrol again at the next login."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email!r}.")
        with audit_context.bind(audit_context.command_context()):
            mfa_reset(user=user, by=None)
        self.stdout.write(f"2FA of {user.email} reset: they enrol again at the next login.")
