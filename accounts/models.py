"""User accounts: people log in with their email address, never a username."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Create users keyed by a normalised (lower-case) email address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        """Create a regular user."""
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """Create a user with every permission and Django admin access."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Emails are matched case-insensitively: "Maria@X.com" is "maria@x.com".
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the system: analyst, manager, administrator or integrator."""

    email = models.EmailField(_("e-mail"), unique=True)
    nome = models.CharField(_("nome"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("acesso ao admin"),
        default=False,
        help_text=_("Permite entrar no admin do Django."),
    )
    is_active = models.BooleanField(_("ativo"), default=True)
    date_joined = models.DateTimeField(_("criado em"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("usuário")
        verbose_name_plural = _("usuários")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.nome or self.email

    def get_short_name(self):
        return (self.nome or self.email).split()[0]
