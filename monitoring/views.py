"""/metrics for Prometheus: per-process metrics plus scrape-time ones.

Not public: allowed only as monitoring.access says (METRICS_ALLOWED_NETWORKS or
``Authorization: Bearer <METRICS_TOKEN>``); nginx also refuses the path from
outside. Anyone else gets 403.
"""

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess

from monitoring.access import may_read_monitoring
from monitoring.collectors import scrape_registry


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
    if not may_read_monitoring(request):
        return HttpResponseForbidden(_("Acesso às métricas negado."), content_type="text/plain")
    body = prometheus_client.generate_latest(
        _process_registry()
    ) + prometheus_client.generate_latest(scrape_registry())
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
