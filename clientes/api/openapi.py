"""Schema post-processing so the documented errors match the errors we send.

drf-standardized-errors documents an error inside a list as
``enderecos.INDEX.cep``, but the response names the item: ``enderecos.0.cep``.
This hook turns those placeholders into a pattern (``^enderecos\\.\\d+\\.cep$``)
and drops the ``attr`` discriminator that could only list fixed names.
"""

import re


def index_placeholders_to_patterns(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK (runs after the standardized-errors one)."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        attr = schema.get("properties", {}).get("attr", {})
        names = attr.get("enum") or []
        if len(names) == 1 and isinstance(names[0], str) and ".INDEX." in names[0]:
            pattern = re.escape(names[0]).replace("INDEX", r"\d+")
            attr.pop("enum")
            attr["pattern"] = f"^{pattern}$"
        discriminator = schema.get("discriminator", {})
        if discriminator.get("propertyName") == "attr" and any(
            ".INDEX." in str(name) for name in discriminator.get("mapping", {})
        ):
            schema.pop("discriminator")
    return result
