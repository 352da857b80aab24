"""Known audit events over two days, and the usage numbers they must produce."""

import datetime as dt
from zoneinfo import ZoneInfo

from audit.choices import Action
from audit.models import AuditEvent

SP = ZoneInfo("America/Sao_Paulo")
DAY1, DAY2 = dt.date(2026, 3, 10), dt.date(2026, 3, 11)


def at(day, hour, minute=0, second=0):
    """Return a local (São Paulo) instant of ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=SP)


def _event(action, when, actor=None, **details):
    return AuditEvent.objects.create(
        action=action, occurred_at=when, actor_id=actor, channel="web", details=details
    )


def seed_events():
    """Create the events; DAY1 and DAY2 are local (São Paulo) days."""
    search = Action.CLIENTE_SEARCH
    # Day 1: four searches (10/20/30/400 ms; 3 with results; cache 2 hits of 3).
    _event(search, at(DAY1, 0, 30), 1, resultados=5, duracao_ms=10, cache="hit")
    _event(search, at(DAY1, 9), 2, resultados=0, duracao_ms=20, cache="miss")
    _event(search, at(DAY1, 10), 1, resultados=3, duracao_ms=30, cache="hit")
    _event(search, at(DAY1, 23, 59), 3, resultados=1, duracao_ms=400)
    _event(Action.LOGIN_FAILED, at(DAY1, 8), email="x@y.com")
    _event(Action.LOGIN_FAILED, at(DAY1, 8, 1), email="x@y.com")
    _event(Action.EXPORT_REQUEST, at(DAY1, 11), 2, format="csv")
    _event(Action.EXPORT_REQUEST, at(DAY1, 12), 2, format="csv")
    _event(Action.EXPORT_REQUEST, at(DAY1, 13), 2, format="xlsx")
    _event(Action.CLIENTE_CREATE, at(DAY1, 14), 1)
    _event(Action.CLIENTE_BULK_CREATE, at(DAY1, 15), 4, count=10)
    _event(Action.CLIENTE_DEACTIVATE, at(DAY1, 16), 1)
    # Day 2: one search of 50 ms.
    _event(search, at(DAY2, 9), 5, resultados=2, duracao_ms=50, cache="hit")
    # The evening before day 1 (local): 02:30 UTC of day 1, but not day 1.
    _event(search, at(DAY1 - dt.timedelta(days=1), 23, 30), 9, resultados=1, duracao_ms=1)
