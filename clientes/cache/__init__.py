"""Redis cache of clients, kept in sync with PostgreSQL.

- ``profiles``: cached profile by id and by CPF (used by ``clientes.selectors``).
- ``entries.cached``: generic get-or-compute for search pages (search generation).
- ``invalidation``: after-commit invalidation; ``signals`` wires it to the models.
- ``reconcile``: the periodic comparison with PostgreSQL (Celery beat).
- ``metrics``: hit/miss/latency counters for the metrics exporter.
- ``store``: keys, generations, guarded writes and the Redis-down behaviour
  (its docstring explains the consistency design).
"""

from clientes.cache.entries import cached
from clientes.cache.invalidation import invalidate, invalidate_all, invalidate_on_commit

__all__ = ["cached", "invalidate", "invalidate_all", "invalidate_on_commit"]
