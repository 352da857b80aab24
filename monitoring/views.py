"""/metrics for Prometheus: per-process metrics plus scrape-time ones.

Not public: allowed only from METRICS_ALLOWED_NETWORKS (the client's real IP,
see accounts.client_ip) or with ``Authorization: Bearer <METRICS_TOKEN>``; nginx
also refuses the path from outside. Anyone else gets 403.
"""

import hmac
import ipaddress

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess

from accounts.client_ip import client_ip
from monitoring.collectors import scrape_registry


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    offered = header.removeprefix("Bearer ").encode()
    if token and header.startswith("Bearer ") and hmac.compare_digest(offered, token.encode()):
        return True
    try:
        ip = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS
    )


def _process_registry():
    # Under gunicorn every worker writes its samples to PROMETHEUS_MULTIPROC_DIR
    # (config/gunicorn.conf.py); a scrape must add them all up.
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


@never_cache
@require_GET
def metrics(request):
    """Return all metrics in the Prometheus text format."""
    if not _allowed(request):
        return HttpResponseForbidden(_("Acesso às métricas negado."), content_type="text/plain")
    body = prometheus_client.generate_latest(
        _process_registry()
    ) + prometheus_client.generate_latest(scrape_registry())
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
