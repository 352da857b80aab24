"""Display helpers for audit events."""

import json

from django import template

register = template.Library()


@register.filter
def as_json(value) -> str:
    """Return event details as compact JSON text (accents kept), '' for nothing."""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
