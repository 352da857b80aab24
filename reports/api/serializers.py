"""Serializers of the export API."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clientes.api.filter_fields import (
    JsonIntegerField,
    as_sent,
    filter_fields,
    refuse_nested_values,
)
from reports.columns import COLUMNS
from reports.models import CsvDialect, ExportJob
from reports.services import export_progress


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ExportJob
        fields = [
            "id", "format", "csv_dialect", "status", "status_display", "progress", "row_count",
            "size", "filters", "fields", "ordering", "error", "created_at", "started_at",
            "finished_at", "expires_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, job) -> int:
        return export_progress(job)

    def get_download_url(self, job) -> str | None:
        if not job.is_downloadable:
            return None
        url = reverse("api-export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ExportRequestSerializer(serializers.Serializer):
    """Body of POST /clients/export: the search's filters and the file's options."""

    fields = serializers.ListField(
        child=serializers.ChoiceField(
            choices=list(COLUMNS),
            error_messages={"invalid_choice": _("Campos desconhecidos: {input}.")},
        ),
        required=False,
        allow_empty=True,
        max_length=len(COLUMNS),
        help_text=_("Colunas, na ordem desejada (padrão: as da tela)."),
    )
    csv_dialect = serializers.ChoiceField(choices=CsvDialect.choices, required=False)
    saved = JsonIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Id de uma pesquisa salva, restringida pelos demais filtros."),
    )

    def get_fields(self):
        return {**filter_fields(), **super().get_fields()}

    def to_internal_value(self, data):
        refuse_nested_values(data)
        return super().to_internal_value(data)

    def filters(self) -> dict:
        """Return the filters as sent (JSON values, as stored with the job)."""
        filters = as_sent(self.initial_data, self.validated_data)
        if "saved" in self.validated_data:
            filters["saved"] = self.initial_data["saved"]
        return filters
