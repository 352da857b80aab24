"""Local development stack: embedded PostgreSQL/Redis, ``make run`` and ``make test``.

Nothing here is used in production, where DATABASE_URL and REDIS_URL point at
real servers.
"""
