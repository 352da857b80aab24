"""Redis cache of clients, kept in sync with PostgreSQL.

The generic machinery (keys, generations, guarded writes, the codec, metrics,
get-or-compute) is ``common.cache``; what is specific to clients lives here:

- ``profiles``: cached profile by id and by CPF (used by ``clientes.selectors``).
- ``invalidation``: after-commit invalidation; ``signals`` wires it to the models.
- ``reconcile``: the periodic comparison with PostgreSQL (Celery beat).
"""

from clientes.cache.invalidation import invalidate, invalidate_all, invalidate_on_commit

__all__ = ["invalidate", "invalidate_all", "invalidate_on_commit"]
