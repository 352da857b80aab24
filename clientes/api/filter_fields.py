"""The search filters as JSON body fields, with the query parameters' own schemas.

The export body, a saved search's ``filters`` and a bulk action's ``filters``
take the same criteria as ``GET /api/v1/clients/search``; their fields are
built here from ``FILTER_SCHEMAS`` so every body states (and enforces) the
types, bounds, patterns and choices of the query string: a value the schema
allows is one the search accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clientes.api.params import FILTER_SCHEMAS

# The choice filters' values, named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
FILTER_STATUS_CHOICES = FILTER_SCHEMAS["status"]["enum"]
FILTER_SEXO_CHOICES = FILTER_SCHEMAS["sexo"]["enum"]
FILTER_UF_CHOICES = FILTER_SCHEMAS["uf"]["enum"]


class JsonTypeMixin:
    """Accept only the JSON type the schema states (DRF would take 30 for "30")."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonTextField(JsonTypeMixin, serializers.CharField):
    json_types = (str,)
    default_error_messages = {"invalid": _("Informe um texto.")}

    def __init__(self, **kwargs):
        # The schema's minLength counts every character: "  " is not blank here.
        super().__init__(trim_whitespace=False, **kwargs)


class JsonIntegerField(JsonTypeMixin, serializers.IntegerField):
    json_types = (int,)
    default_error_messages = {"invalid": _("Informe um número.")}


def filter_field(schema: dict) -> serializers.Field:
    """A body field with the bounds the search API states for its query parameter."""
    if "enum" in schema:
        return serializers.ChoiceField(choices=schema["enum"], required=False)
    if schema["type"] == "integer":
        return JsonIntegerField(
            min_value=schema["minimum"], max_value=schema["maximum"], required=False
        )
    if schema.get("format") == "date":
        return serializers.DateField(required=False, input_formats=["iso-8601", "%d/%m/%Y"])
    validators = [RegexValidator(schema["pattern"])] if "pattern" in schema else []
    return JsonTextField(
        min_length=schema["minLength"],
        max_length=schema["maxLength"],
        validators=validators,
        required=False,
    )


def filter_fields() -> dict[str, serializers.Field]:
    """One new body field per search filter."""
    return {name: filter_field(schema) for name, schema in FILTER_SCHEMAS.items()}


def refuse_nested_values(data) -> None:
    """A filter takes one value: a list or an object gets a message, not a type error."""
    if not isinstance(data, dict):
        return
    nested = {
        name: [_("Informe a ordenação como texto.")]
        if name == "ordering"
        else [_("Informe um único valor (texto ou número).")]
        for name in FILTER_SCHEMAS
        if isinstance(data.get(name), dict | list)
    }
    if nested:
        raise serializers.ValidationError(nested)


def as_sent(initial: Mapping, validated: Mapping) -> dict:
    """The validated filters with the JSON values as sent (as a query string holds them).

    The search's FilterSet parses them again, so "10/01/2000" stays as typed.
    """
    return {name: initial[name] for name in FILTER_SCHEMAS if name in validated}


def typed(criteria: Mapping[str, str]) -> dict:
    """Stored criteria (text, as in a URL) in the body's JSON types, for responses:
    integers as numbers, dates in ISO 8601 (they may have been typed dd/mm/aaaa)."""
    return {
        name: _typed(FILTER_SCHEMAS.get(name, {}), str(value)) for name, value in criteria.items()
    }


def _typed(schema: dict, value: str):
    if schema.get("type") == "integer" and value.isdigit():
        return int(value)
    if schema.get("format") == "date":
        try:
            return datetime.strptime(value, "%d/%m/%Y").date().isoformat()
        except ValueError:
            return value  # already ISO (the FilterSet accepted nothing else)
    return value


class SearchFiltersSerializer(serializers.Serializer):
    """The search parameters as a JSON object: one optional property per filter.

    Responses use it too (with ``typed``), so what GET answers can be sent back.
    """

    def get_fields(self):
        return filter_fields()

    def to_internal_value(self, data):
        refuse_nested_values(data)
        validated = super().to_internal_value(data)
        return as_sent(data, validated)
