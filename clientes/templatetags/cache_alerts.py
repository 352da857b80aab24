"""The cache consistency notice shown to administrators on the dashboard."""

from django import template

from clientes.cache.reconcile import open_alert

register = template.Library()

ACKNOWLEDGE_PERMISSION = "clientes.change_consistencycheck"


@register.inclusion_tag("clientes/cache/alert_notice.html", takes_context=True)
def cache_consistency_alert(context):
    """Render the open consistency alert, for users who may acknowledge it."""
    user = context["request"].user
    alert = open_alert() if user.has_perm(ACKNOWLEDGE_PERMISSION) else None
    return {"alert": alert, "csrf_token": context.get("csrf_token")}
