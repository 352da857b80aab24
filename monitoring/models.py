"""Daily aggregates of use, read by the managers' metrics page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyUsage(models.Model):
    """One number about one day of use: a metric, optionally split by a key.

    Rebuilt from the audit trail by ``monitoring.usage.usage_aggregate_day``
    (a beat task), so a year of the metrics page reads a few thousand rows
    instead of millions of audit events. ``chave`` splits a metric (an export
    format, a search-time bucket); "" when it does not. Each aggregated day
    also has an ``agregado_ate`` row: the instant (POSIX seconds) up to which
    its events are counted (see monitoring.usage).
    """

    dia = models.DateField(_("dia"))
    metrica = models.CharField(_("métrica"), max_length=40)
    chave = models.CharField(_("chave"), max_length=40, blank=True)
    valor = models.FloatField(_("valor"))
    atualizado_em = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("uso diário")
        verbose_name_plural = _("uso diário")
        constraints = [
            models.UniqueConstraint(
                fields=["dia", "metrica", "chave"], name="monitoring_usage_uniq"
            )
        ]

    def __str__(self):
        return f"{self.dia} {self.metrica}{'/' + self.chave if self.chave else ''} = {self.valor:g}"
