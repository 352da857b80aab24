"""Time a client search and learn whether Redis answered it, for its audit event.

The search views wrap their selector call in ``measure_search()`` and pass
the figures to ``audit.services.audit_search``; the managers' metrics page
(monitoring.usage) averages the durations and counts the cache hits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from common.cache.metrics import observe_lookups

# The kind of the search pages' cache entries (``clientes.cache.cached``'s namespace).
SEARCH_KIND = "search"


@dataclass
class SearchMeasure:
    """How long a search took and whether the cache answered it.

    ``cache`` is "hit" or "miss", or None when the search never consulted the
    cache (keyset pages, the API list), so it does not count in the hit rate.
    """

    duration_ms: float | None = None
    cache: str | None = None


@contextmanager
def measure_search() -> Iterator[SearchMeasure]:
    """Measure the search run inside; the figures are set when it returns."""
    measure = SearchMeasure()
    started = time.perf_counter()
    with observe_lookups(SEARCH_KIND) as lookups:
        yield measure
    measure.duration_ms = round((time.perf_counter() - started) * 1000, 1)
    measure.cache = lookups.result
