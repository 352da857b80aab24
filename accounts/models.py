"""User accounts: people log in with their email address, never a username."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.emails import normalized_email


class UserManager(BaseUserManager):
    """Create users keyed by a normalised email address (``accounts.emails``)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The email address is required.")
        email = normalized_email(email)
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
        # "Maria@X.com" is "maria@x.com": both sides normalised, compared exactly
        # (never __iexact: PostgreSQL's UPPER folds look-alikes, see accounts.emails).
        return self.get(email=normalized_email(username))


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
    must_change_password = models.BooleanField(
        _("deve trocar a senha"),
        default=False,
        help_text=_("Senha temporária: o usuário escolhe outra no próximo acesso."),
    )
    # Every API token carries the version it was issued under; revoking a
    # user's tokens bumps it, so older access tokens stop working at once.
    token_version = models.PositiveIntegerField(_("versão dos tokens"), default=0, editable=False)

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
        self.email = normalized_email(self.email)

    def get_full_name(self):
        return self.nome or self.email

    def get_short_name(self):
        return (self.nome or self.email).split()[0]


class SystemSettings(models.Model):
    """System parameters administrators change in Configurações (a single row).

    Read them through ``accounts.system_settings.current_settings()``.
    """

    export_row_limit = models.PositiveIntegerField(
        _("limite de linhas por exportação"),
        default=50_000,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    export_sync_row_limit = models.PositiveIntegerField(
        _("exportação imediata até (linhas)"),
        default=2_000,
        validators=[MinValueValidator(0), MaxValueValidator(50_000)],
        help_text=_("Acima disso a exportação roda em segundo plano."),
    )
    export_retention_days = models.PositiveIntegerField(
        _("dias até apagar arquivos exportados"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    export_max_pending_per_user = models.PositiveIntegerField(
        _("exportações simultâneas por usuário"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Exportações na fila ou em geração ao mesmo tempo; a seguinte deve aguardar."),
    )
    export_disk_limit_mb = models.PositiveIntegerField(
        _("espaço máximo dos arquivos exportados (MB)"),
        default=10_240,
        validators=[MinValueValidator(10), MaxValueValidator(10_000_000)],
        help_text=_(
            "Atingido o limite, os arquivos já expirados são apagados primeiro (os mais "
            "antigos antes); se ainda faltar espaço, novas exportações são recusadas."
        ),
    )
    audit_retention_days = models.PositiveIntegerField(
        _("dias de retenção da auditoria"),
        default=5 * 365,
        validators=[MinValueValidator(180), MaxValueValidator(20 * 365)],
    )
    bulk_row_limit = models.PositiveIntegerField(
        _("limite de clientes por ação em lote"),
        default=50_000,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    bulk_sync_row_limit = models.PositiveIntegerField(
        _("ação em lote imediata até (clientes)"),
        default=2_000,
        validators=[MinValueValidator(0), MaxValueValidator(50_000)],
        help_text=_("Acima disso a ação roda em segundo plano, com progresso e cancelamento."),
    )
    bulk_analista_allowed = models.BooleanField(
        _("analistas podem agir em lote"),
        default=False,
        help_text=_("Inativar e reativar todos os clientes de uma pesquisa."),
    )
    import_analista_allowed = models.BooleanField(
        _("analistas podem importar clientes"),
        default=False,
        help_text=_("Importar planilhas de clientes (CSV ou XLSX) em Clientes → Importar."),
    )
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("configurações do sistema")
        verbose_name_plural = _("configurações do sistema")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="system_settings_single_row"),
        ]

    def __str__(self):
        return str(_("Configurações do sistema"))

    def clean(self):
        super().clean()
        if self.export_sync_row_limit > self.export_row_limit:
            raise ValidationError(
                {
                    "export_sync_row_limit": _(
                        "Não pode ser maior que o limite de linhas por exportação."
                    )
                }
            )
        if self.bulk_sync_row_limit > self.bulk_row_limit:
            raise ValidationError(
                {
                    "bulk_sync_row_limit": _(
                        "Não pode ser maior que o limite de clientes por ação em lote."
                    )
                }
            )
