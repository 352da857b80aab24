"""Serializers of the export API."""

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clientes.api.params import FILTER_SCHEMAS
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


class _JsonTypeMixin:
    """Accept only the JSON type the schema states (DRF would take 30 for "30")."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class _TextField(_JsonTypeMixin, serializers.CharField):
    json_types = (str,)
    default_error_messages = {"invalid": _("Informe um texto.")}

    def __init__(self, **kwargs):
        # The schema's minLength counts every character: "  " is not blank here.
        super().__init__(trim_whitespace=False, **kwargs)


class _IntegerField(_JsonTypeMixin, serializers.IntegerField):
    json_types = (int,)
    default_error_messages = {"invalid": _("Informe um número.")}


def _filter_field(schema: dict) -> serializers.Field:
    """A body field with the bounds the search API states for its query parameter."""
    if "enum" in schema:
        return serializers.ChoiceField(choices=schema["enum"], required=False)
    if schema["type"] == "integer":
        return _IntegerField(
            min_value=schema["minimum"], max_value=schema["maximum"], required=False
        )
    if schema.get("format") == "date":
        return serializers.DateField(required=False, input_formats=["iso-8601", "%d/%m/%Y"])
    validators = [RegexValidator(schema["pattern"])] if "pattern" in schema else []
    return _TextField(
        min_length=schema["minLength"],
        max_length=schema["maxLength"],
        validators=validators,
        required=False,
    )


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
    saved = _IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Id de uma pesquisa salva, restringida pelos demais filtros."),
    )

    def get_fields(self):
        fields = {name: _filter_field(schema) for name, schema in FILTER_SCHEMAS.items()}
        return {**fields, **super().get_fields()}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            nested = {
                name: [_("Informe a ordenação como texto.")]
                if name == "ordering"
                else [_("Informe um único valor (texto ou número).")]
                for name in FILTER_SCHEMAS
                if isinstance(data.get(name), dict | list)
            }
            if nested:
                raise serializers.ValidationError(nested)
        return super().to_internal_value(data)

    def filters(self) -> dict:
        """Return the filters as sent (JSON values, as stored with the job)."""
        return {
            name: self.initial_data[name]
            for name in [*FILTER_SCHEMAS, "saved"]
            if name in self.validated_data
        }
