"""Redis cache machinery shared by the apps (below every app: it imports none).

- ``entries``: get-or-compute of one entry (``fetch``) and its keyed form ``cached``.
- ``store``: keys, generations, guarded writes and the Redis-down behaviour
  (its docstring explains the consistency design); the app whose rows are
  cached registers them with ``store.register`` when Django starts.
- ``uncommitted``: rows written by the transaction in progress bypass the cache.
- ``codec``: values as MessagePack data (never pickle).
- ``metrics``: hit/miss/latency counters for the metrics exporter.
"""
