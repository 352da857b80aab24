"""Errors raised before any API view runs (unknown URL) in the API's error format."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def page_not_found(request, exception):
    """handler404: JSON in the standardized format under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        body = {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": _("Não encontrado."), "attr": None}],
        }
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
