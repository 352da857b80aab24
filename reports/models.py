"""Export jobs: one row per export a user asked for, with its file while it lives."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    PDF = "pdf", _("PDF")
    CSV = "csv", _("CSV")


class CsvDialect(models.TextChoices):
    EXCEL = "excel", _("Excel (ponto e vírgula, com BOM)")
    RFC4180 = "rfc4180", _("RFC 4180 (vírgula, sem BOM) para integrações")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Na fila")
    RUNNING = "running", _("Gerando")
    DONE = "done", _("Concluída")
    FAILED = "failed", _("Falhou")
    CANCELLED = "cancelled", _("Cancelada")


FINISHED_STATUSES = (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.CANCELLED)


class ExportJob(models.Model):
    """An export of one client search (its filters, not a list of ids) to a file.

    The file is written by ``reports.services.export_generate`` (in a Celery
    task, or inline for small exports) and deleted when ``expires_at`` passes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitante"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    format = models.CharField(_("formato"), max_length=4, choices=ExportFormat.choices)
    csv_dialect = models.CharField(
        _("formato do CSV"), max_length=8, choices=CsvDialect.choices, default=CsvDialect.EXCEL
    )
    filters = models.JSONField(_("filtros"), default=dict, blank=True)
    fields = models.JSONField(_("campos"), default=list)
    ordering = models.CharField(_("ordenação"), max_length=100, blank=True)
    status = models.CharField(
        _("situação"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progresso (%)"), default=0)
    row_count = models.PositiveIntegerField(_("linhas"), default=0)
    file = models.FileField(_("arquivo"), upload_to="exports/", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("tamanho (bytes)"), default=0)
    error = models.TextField(_("erro"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativas"), default=0)
    # Empty while the broker has not accepted the job's message (it was down):
    # reports.services.export_dispatch_unqueued sends it when the broker is back.
    enqueued_at = models.DateTimeField(_("enviada à fila em"), null=True, blank=True)
    created_at = models.DateTimeField(_("solicitada em"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniciada em"), null=True, blank=True)
    finished_at = models.DateTimeField(_("concluída em"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expira em"), null=True, blank=True)

    class Meta:
        verbose_name = _("exportação")
        verbose_name_plural = _("exportações")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="reports_export_owner_idx"),
            models.Index(fields=["status", "expires_at"], name="reports_export_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_export_progress_pct"
            ),
        ]

    def __str__(self):
        # Local time: this label is what the audit trail and the screens show.
        return f"{self.get_format_display()} · {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("reports:export_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)
