"""The query parameters of the client API, read strictly and described exactly.

The search screen reads its query string leniently (an empty ``uf=`` means
"any state"); an API caller instead gets a 400 for any value the OpenAPI
schema does not allow, and the schema states every bound, format and choice
the server applies, from this one table.
"""

import re
from collections.abc import Mapping

import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.exceptions import ErrorDetail, ValidationError

from clientes.filters import ClienteFilterSet

# Partial identifiers the search accepts: up to 11 CPF digits, bare or masked
# as typed so far; a phone with or without DDD and +55; 2 to 8 CEP digits.
IDENTIFIER_PATTERNS = {
    "cpf": r"^([0-9]{1,11}|[0-9]{3}\.[0-9]{0,3}|[0-9]{3}\.[0-9]{3}\.[0-9]{0,3}"
    r"|[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{0,2})$",
    "telefone": r"^((\+?55 ?)?(\([0-9]{2}\) ?|[0-9]{2} ?))?[0-9]{4,5}-?[0-9]{4}$",
    "cep": r"^[0-9]{2,5}(-?[0-9]{1,3})?$",
}
INTEGER = re.compile(r"^[0-9]{1,9}$")
# ISO, as the schema states, and dd/mm/aaaa, which the screen's users type too.
DATE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})$")


def _filter_schema(name: str, filter_) -> dict:
    if isinstance(filter_, django_filters.ChoiceFilter):
        return {"type": "string", "enum": [value for value, _label in filter_.extra["choices"]]}
    if isinstance(filter_, django_filters.NumberFilter):
        return {
            "type": "integer",
            "minimum": filter_.extra["min_value"],
            "maximum": filter_.extra["max_value"],
        }
    if isinstance(filter_, django_filters.DateFilter):
        return {"type": "string", "format": "date"}
    schema = {"type": "string", "minLength": 1, "maxLength": filter_.extra.get("max_length", 200)}
    if name in IDENTIFIER_PATTERNS:
        schema["pattern"] = IDENTIFIER_PATTERNS[name]
    for validator in filter_.extra.get("validators", ()):
        if isinstance(validator, RegexValidator):  # the filter's own format, stated
            schema["pattern"] = validator.regex.pattern
    return schema


FILTER_SCHEMAS = {
    name: _filter_schema(name, filter_) for name, filter_ in ClienteFilterSet.base_filters.items()
}


def filter_parameters() -> list[OpenApiParameter]:
    """Return the FilterSet's parameters with their real types, bounds and choices."""
    return [
        OpenApiParameter(name, schema, description=str(filter_.label))
        for (name, schema), filter_ in zip(
            FILTER_SCHEMAS.items(), ClienteFilterSet.base_filters.values(), strict=True
        )
    ]


def integer_parameter(name: str, minimum: int, maximum: int, description) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return OpenApiParameter(name, schema, description=description)


def _conforms(value: str, schema: dict) -> bool:
    kind = schema["type"]
    if kind == "integer":
        return bool(INTEGER.match(value)) and (schema["minimum"] <= int(value) <= schema["maximum"])
    if "enum" in schema:
        return value in schema["enum"]
    if schema.get("format") == "date":
        return bool(DATE.match(value))  # the FilterSet then checks it is a real date
    if not schema["minLength"] <= len(value) <= schema["maxLength"]:
        return False
    return "pattern" not in schema or bool(re.match(schema["pattern"], value))


def refuse_nonconforming(params: Mapping, schemas: Mapping[str, dict]) -> None:
    """Raise a 400 naming each parameter whose value the schema does not allow.

    Parameters the API does not know are ignored, as HTTP allows.
    """
    errors = {}
    for name, schema in schemas.items():
        if name not in params:
            continue
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        if len(values) != 1 or not _conforms(values[0], schema):
            errors[name] = [ErrorDetail(_message(name, schema), code="invalid")]
    if errors:
        raise ValidationError(errors)


def _message(name: str, schema: dict) -> str:
    if schema["type"] == "integer":
        return _("Informe um número inteiro de %(min)s a %(max)s (uma vez).") % {
            "min": schema["minimum"],
            "max": schema["maximum"],
        }
    if "enum" in schema:
        return _("Valor inválido: use um de %(valores)s (uma vez).") % {
            "valores": ", ".join(schema["enum"])
        }
    if schema.get("format") == "date":
        return _("Informe uma data válida: AAAA-MM-DD ou dd/mm/aaaa (uma vez).")
    if name in IDENTIFIER_PATTERNS:
        return _("Formato inválido: use só dígitos, com ou sem máscara (uma vez).")
    return _("Informe de %(min)s a %(max)s caracteres (uma vez).") % {
        "min": schema["minLength"],
        "max": schema["maxLength"],
    }


def declare_parameter_errors(codes_by_name: Mapping[str, list[str]], methods=("get",)):
    """Class decorator: document the 400 error codes of each query parameter.

    One call per view: a second declaration for the same name replaces the first.
    """

    def decorate(view):
        for name, codes in codes_by_name.items():
            view = extend_validation_errors(codes, field_name=name, methods=list(methods))(view)
        return view

    return decorate


# Rules beyond a JSON Schema pattern: a name must fold to at least one word
# (clientes.search), and a saved search must exist for the caller and still
# validate.
NO_WORD_CODES = {name: ["no_word"] for name in ("q", "nome", "nome_mae", "cidade")}
SAVED_CODES = ["saved_not_found", "saved_stale"]


def parameter_error_codes(names, **extra: list[str]) -> dict[str, list[str]]:
    """Return {name: ["invalid", *extra codes of that name]} for declare_parameter_errors.

    ``extra`` may also name parameters outside ``names`` (e.g. ``saved``).
    """
    return {name: ["invalid", *extra.get(name, [])] for name in [*names, *extra]}
