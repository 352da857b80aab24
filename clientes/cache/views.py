"""Acknowledging the cache consistency alert (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientes.cache.reconcile import acknowledge_alerts
from clientes.templatetags.cache_alerts import ACKNOWLEDGE_PERMISSION


@require_POST
@login_required
@permission_required(ACKNOWLEDGE_PERMISSION, raise_exception=True)
def cache_alert_acknowledge(request):
    """Hide the consistency notice: an administrator has seen it."""
    if acknowledge_alerts(user=request.user):
        messages.success(request, _("Alerta de consistência do cache reconhecido."))
    return redirect("home")
