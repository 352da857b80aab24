"""Imports of clients from spreadsheets: the job and what it did to each row.

An ``ImportJob`` is one file read with one mapping and one ``on_conflict``
mode, either as a dry run (``dry_run``: verdicts only, no client written) or
applied. ``ImportRow`` keeps each row's verdict and, for an applied import,
what undoing it needs: the client it created, or the client's values before
the update and its version after it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OnConflict(models.TextChoices):
    SKIP = "skip", _("Manter o cadastro existente")
    UPDATE = "update", _("Substituir pelos valores do arquivo")
    FILL_BLANKS = "fill_blanks", _("Preencher só os campos vazios")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Aguardando mapeamento")
    PENDING = "pending", _("Na fila")
    RUNNING = "running", _("Em andamento")
    DONE = "done", _("Concluída")
    CANCELLED = "cancelled", _("Cancelada")
    FAILED = "failed", _("Falhou")
    UNDONE = "undone", _("Desfeita")


FINISHED_STATUSES = (
    ImportStatus.DONE,
    ImportStatus.CANCELLED,
    ImportStatus.FAILED,
    ImportStatus.UNDONE,
)


class Verdict(models.TextChoices):
    CREATE = "create", _("Cadastrar")
    UPDATE = "update", _("Atualizar")
    UNCHANGED = "unchanged", _("Sem alteração")
    INVALID = "invalid", _("Inválida")


class ImportJob(models.Model):
    """One spreadsheet imported (or only checked, ``dry_run``) by a user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitante"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    file = models.FileField(_("arquivo"), upload_to="imports/", max_length=255)
    file_name = models.CharField(_("nome do arquivo"), max_length=255)
    file_kind = models.CharField(_("tipo"), max_length=4)  # "csv" or "xlsx"
    dry_run = models.BooleanField(_("simulação"), default=True)
    on_conflict = models.CharField(
        _("cliente já cadastrado"),
        max_length=11,
        choices=OnConflict.choices,
        default=OnConflict.SKIP,
    )
    # File header -> registry field ("" ignores the column), as applied.
    mapping = models.JSONField(_("mapeamento"), default=dict, blank=True)
    # The dry run this import applies (same file, mapping and mode).
    source = models.ForeignKey(
        "self",
        verbose_name=_("simulação de origem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    status = models.CharField(
        _("situação"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(_("linhas"), default=0)
    processed = models.PositiveIntegerField(_("processadas"), default=0)
    created = models.PositiveIntegerField(_("cadastrados"), default=0)
    updated = models.PositiveIntegerField(_("atualizados"), default=0)
    unchanged = models.PositiveIntegerField(_("sem alteração"), default=0)
    invalid = models.PositiveIntegerField(_("inválidas"), default=0)
    cancel_requested = models.BooleanField(_("cancelamento pedido"), default=False)
    error = models.TextField(_("erro"), blank=True)
    # Clients an undo left alone because they changed after the import.
    undo_refused_ids = models.JSONField(_("não desfeitos"), default=list, blank=True)
    created_at = models.DateTimeField(_("enviada em"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniciada em"), null=True, blank=True)
    finished_at = models.DateTimeField(_("concluída em"), null=True, blank=True)
    undone_at = models.DateTimeField(_("desfeita em"), null=True, blank=True)

    class Meta:
        verbose_name = _("importação")
        verbose_name_plural = _("importações")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="imports_job_owner_idx")]
        permissions = [
            ("view_all_importjob", _("Pode ver as importações de todos os usuários")),
        ]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def progress(self) -> int:
        """Percent of the rows processed."""
        if self.status == ImportStatus.DONE:
            return 100
        return 0 if not self.total else min(100, self.processed * 100 // self.total)


class ImportRow(models.Model):
    """What an import did (or, in a dry run, would do) with one row of the file.

    Invalid rows carry the reasons; rows that changed a client carry what
    undoing needs: ``versao`` is the client's version right after the import
    (a different version means someone changed it since), and ``before`` the
    values the update replaced.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    linha = models.PositiveIntegerField(_("linha"))
    verdict = models.CharField(_("resultado"), max_length=9, choices=Verdict.choices)
    id_cliente = models.BigIntegerField(_("cliente"), null=True, blank=True)
    reasons = models.JSONField(_("motivos"), default=list, blank=True)
    versao = models.PositiveIntegerField(_("versão após a importação"), null=True, blank=True)
    before = models.JSONField(_("valores anteriores"), null=True, blank=True)

    class Meta:
        verbose_name = _("linha importada")
        verbose_name_plural = _("linhas importadas")
        ordering = ["job", "linha"]
        constraints = [
            models.UniqueConstraint(fields=["job", "linha"], name="imports_row_unique_linha"),
        ]
        indexes = [models.Index(fields=["job", "verdict", "linha"], name="imports_row_verdict_idx")]

    def __str__(self):
        return f"{self.linha}: {self.get_verdict_display()}"
