"""Which roles must use two-factor authentication (the devices are django-otp's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RolePolicy(models.Model):
    """Whether the users of one role must use two-factor authentication.

    One row per role an administrator has decided on; a role without a row
    (for example one added to ``accounts.roles`` after the last decision)
    follows ``accounts.mfa.policy.REQUIRED_BY_DEFAULT``.
    """

    role = models.CharField(_("papel"), max_length=150, primary_key=True)
    mfa_required = models.BooleanField(_("2FA obrigatória"), default=False)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("política de 2FA por papel")
        verbose_name_plural = _("políticas de 2FA por papel")

    def __str__(self):
        return self.role
