"""Response headers that keep personal data out of shared and browser caches."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every dynamic response ``Cache-Control: no-store`` unless the view chose.

    Pages and API responses carry CPFs, names and addresses: neither a proxy
    nor the browser's back/forward cache may keep them. Static files never get
    here (WhiteNoise and nginx answer them with a year of caching).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
