"""The search screen's active filters as chips, each with the URL that removes it.

The box itself (``q``) is not a chip: it is on screen already. Defaults
(status "todos", page size) are not filters.
"""

from __future__ import annotations

from urllib.parse import urlencode

from clientes.choices import UF, Sexo
from clientes.filters import ADDRESS_CHOICES, STATUS_CHOICES, ClienteFilterSet

_CHOICE_LABELS = {
    "uf": dict(UF.choices),
    "sexo": dict(Sexo.choices),
    "status": dict(STATUS_CHOICES),
    "endereco": dict(ADDRESS_CHOICES),
}
_NOT_CHIPS = frozenset({"q", "page", "size"})


def _removal_url(params: dict, name: str, base: str) -> str:
    rest = {k: v for k, v in params.items() if k not in (name, "page")}
    return f"{base}?{urlencode(rest)}" if rest else base


def active_filter_chips(query, base: str) -> list[dict]:
    """Return ``[{label, value, url}]`` for each filter in use in ``query`` (a QueryDict)."""
    params = {k: v for k, v in query.items() if v not in ("", None)}
    chips = []
    for name, field in ClienteFilterSet.base_filters.items():
        value = params.get(name)
        if not value or name in _NOT_CHIPS or (name == "status" and value == "todos"):
            continue
        if name == "ordering":
            value = dict(field.extra.get("choices", ())).get(value, value)
        else:
            value = _CHOICE_LABELS.get(name, {}).get(value, value)
        url = _removal_url(params, name, base)
        chips.append({"label": field.label, "value": value, "url": url})
    return chips
