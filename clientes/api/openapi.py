"""Schema post-processing so the documented errors match the errors we send.

drf-standardized-errors documents an error inside a list as
``enderecos.INDEX.cep``, but the response names the item: ``enderecos.0.cep``.
This hook turns those placeholders into a pattern (``^enderecos\\.\\d+\\.cep$``)
and drops the ``attr`` discriminator that could only list fixed names.
"""

import re

from clientes.api.serializers import STRICT_SERIALIZERS, ClienteSerializer

# Response components with no request twin whose CPF may be masked.
RESPONSE_ONLY = {"ClienteGravado"}
_INDEX = re.compile(r"\.INDEX(\.|$)")


def index_placeholders_to_patterns(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK (runs after the standardized-errors one)."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        attr = schema.get("properties", {}).get("attr", {})
        names = attr.get("enum") or []
        if len(names) == 1 and isinstance(names[0], str) and _INDEX.search(names[0]):
            pattern = re.escape(names[0]).replace("INDEX", r"\d+")
            attr.pop("enum")
            attr["pattern"] = f"^{pattern}$"
        discriminator = schema.get("discriminator", {})
        if discriminator.get("propertyName") == "attr" and any(
            _INDEX.search(str(name)) for name in discriminator.get("mapping", {})
        ):
            schema.pop("discriminator")
    return result


def input_formats_only(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: state input formats where they apply.

    A serializer's ``pattern`` (CPF, CEP, phone, no control characters)
    describes what we accept, not what we send: the CPF in a response may be
    masked (***.456.789-**). So the response twin of a request component
    (``Cliente`` of ``ClienteRequest``) loses its patterns. And a text field
    that may be blank is documented by drf-spectacular as ``oneOf`` its
    pattern or the empty string, which "" satisfies twice (invalid ``oneOf``):
    the pattern already allows "", so ``anyOf`` says what is meant.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        response_twin = f"{name}Request" in schemas or name in RESPONSE_ONLY
        for prop in properties.values():
            branches = prop.get("oneOf")
            if branches and {"type": "string", "maxLength": 0} in branches:
                prop["anyOf"] = prop.pop("oneOf")
            if response_twin:
                prop.pop("pattern", None)
                for branch in prop.get("anyOf", []):
                    branch.pop("pattern", None)
    return result


def strict_request_bodies(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: ``additionalProperties: false`` where
    the serializer refuses unknown fields (StrictFieldsMixin), so the schema
    does not promise that an extra field is accepted; and the client's list
    limits (at most 10 addresses and 10 phones)."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        base = name.removeprefix("Patched").removesuffix("Request")
        if name.endswith("Request") and f"{base}Serializer" in STRICT_SERIALIZERS:
            schema["additionalProperties"] = False
        if base == "Cliente" and name.endswith("Request"):
            # drf-spectacular leaves out a nested list's max_length.
            for field_name in ("enderecos", "telefones"):
                limit = ClienteSerializer().fields[field_name].max_length
                schema["properties"][field_name]["maxItems"] = limit
    return result


def overlapping_alternatives(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: ``anyOf`` for alternatives without a
    discriminator: a body may fit more than one of them (an empty keyset page
    is also a valid counted page), which ``oneOf`` would call invalid."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        if "oneOf" in schema and "discriminator" not in schema:
            schema["anyOf"] = schema.pop("oneOf")
    return result
