"""Template filters of imports: whether the user may import (the Clientes area's link)."""

from django import template

from imports.services import may_import

register = template.Library()


@register.filter(name="may_import")
def may_import_filter(user) -> bool:
    return may_import(user)
