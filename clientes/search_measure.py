"""Time a client search, learn whether Redis answered it, and audit it.

Every search view (the screen, the API's search and list endpoints) runs its
search through ``audited_search``: it times the search (``measure_search``),
then records the audit event with those figures (``audit.services.audit_search``);
the managers' metrics page (monitoring.usage) averages the durations and
counts the cache hits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from audit.services import audit_search
from common.cache.metrics import observe_lookups

T = TypeVar("T")

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


@dataclass(frozen=True)
class SearchFacts:
    """What a search answered, for its audit event.

    ``exact`` is False when ``count`` is a lower bound or only what one page
    returned; ``ids`` are the clients the answer showed (API pages).
    """

    count: int
    exact: bool = True
    ids: Sequence[int] | None = None


def audited_search(
    *,
    request,
    params: Mapping,
    run: Callable[[], T],
    facts: Callable[[T], SearchFacts | None],
) -> T:
    """Return ``run()``, timed, after recording its audit event.

    ``facts(result)`` says what to record; None records nothing (the screen
    opened without criteria searched nothing). A search that raises (invalid
    parameters) is not recorded.
    """
    with measure_search() as measure:
        result = run()
    answered = facts(result)
    if answered is not None:
        audit_search(
            request=request,
            params=params,
            count=answered.count,
            exact=answered.exact,
            duration_ms=measure.duration_ms,
            cache=measure.cache,
            ids=answered.ids,
        )
    return result
