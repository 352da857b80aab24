"""Serializers of the export API."""

from django.urls import reverse
from rest_framework import serializers

from reports.models import ExportJob
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
