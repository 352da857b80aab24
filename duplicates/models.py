"""Probable duplicates: pairs of clients found by ``duplicates.rules``, and its runs.

A pair is stored once, lower id first, with a score (0-100) and the codes of
the rules that matched (``choices.Motivo``). Dismissing a pair ("não é
duplicado") keeps the row with ``dispensado_em`` set: recomputation never
brings a dismissed pair back. Merging deletes the pairs of the merged-away
client (it is a tombstone from then on).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.duplicates import Motivo
from clientes.models import Cliente


class ParDuplicado(models.Model):
    """Two clients that are probably the same person, with why and how likely."""

    cliente_a = models.ForeignKey(
        Cliente, verbose_name=_("cliente A"), on_delete=models.CASCADE, related_name="+"
    )
    cliente_b = models.ForeignKey(
        Cliente, verbose_name=_("cliente B"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("pontuação"))
    motivos = ArrayField(
        models.CharField(max_length=30, choices=Motivo.choices), verbose_name=_("motivos")
    )
    encontrado_em = models.DateTimeField(_("encontrado em"), default=timezone.now)
    dispensado_em = models.DateTimeField(_("dispensado em"), null=True, blank=True)
    dispensado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispensado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "duplicados_pares"
        verbose_name = _("par de prováveis duplicados")
        verbose_name_plural = _("pares de prováveis duplicados")
        permissions = [("merge_clientes", _("Pode ver e unificar clientes duplicados"))]
        constraints = [
            models.UniqueConstraint(fields=["cliente_a", "cliente_b"], name="duplicados_par_unico"),
            models.CheckConstraint(
                condition=Q(cliente_a__lt=F("cliente_b")), name="duplicados_par_ordenado"
            ),
        ]
        indexes = [
            # The screen's and the API's list: open pairs, best first.
            models.Index(
                F("score").desc(),
                "id",
                condition=Q(dispensado_em__isnull=True),
                name="duplicados_abertos_score",
            ),
            models.Index(fields=["cliente_b"], name="duplicados_cliente_b"),
        ]

    def __str__(self):
        return f"{self.cliente_a_id} x {self.cliente_b_id} ({self.score})"

    @property
    def dispensado(self) -> bool:
        return self.dispensado_em is not None

    def motivos_labels(self) -> list[str]:
        return [str(Motivo(m).label) for m in self.motivos if m in Motivo.values]

    def motivos_data(self) -> list[dict]:
        """Return the reasons as the API shows them: code and pt-BR label."""
        return [
            {"code": m, "label": str(Motivo(m).label)} for m in self.motivos if m in Motivo.values
        ]


class ExecucaoDuplicados(models.Model):
    """One run of the duplicate finder: what it compared and how long it took.

    ``desde`` is the watermark: clients changed at or after it were compared
    with everyone; the next run starts from this run's ``iniciada_em``.
    """

    iniciada_em = models.DateTimeField(_("iniciada em"), default=timezone.now, db_index=True)
    concluida_em = models.DateTimeField(_("concluída em"), null=True, blank=True)
    desde = models.DateTimeField(_("alterados desde"), null=True, blank=True)
    completa = models.BooleanField(_("completa"), default=False)
    comparados = models.PositiveIntegerField(_("clientes comparados"), default=0)
    pares = models.PositiveIntegerField(_("pares encontrados"), default=0)
    duracao_ms = models.PositiveIntegerField(_("duração (ms)"), default=0)

    class Meta:
        verbose_name = _("execução da busca de duplicados")
        verbose_name_plural = _("execuções da busca de duplicados")
        ordering = ["-iniciada_em"]

    def __str__(self):
        return f"{self.iniciada_em:%Y-%m-%d %H:%M} ({self.pares})"
