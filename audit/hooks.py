"""What the audit log needs from the apps above it, registered by them at startup.

``audit`` sits below every domain app (each app calls ``audit.services``), so
it imports none of them. The few facts it needs from above are handed down
when Django starts, from the owning app's ``AppConfig.ready``:

- the role order (``accounts``): the actor's highest role is computed inside
  the audit INSERT;
- the retention period (``accounts``' Configurações): read by the purge;
- how to find a target by a natural key (``clientes``: a client by CPF), for
  the audit trail's "cliente" filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


@dataclass
class _Registry:
    role_order: tuple[str, ...] = ()
    superuser_role: str = ""
    retention_days: Callable[[], int] | None = None
    target_lookups: dict[str, Callable] = field(default_factory=dict)


_registry = _Registry()


def register_roles(*, order: Sequence[str], superuser_role: str) -> None:
    """Declare the role names, highest first, and the role a superuser without one has."""
    _registry.role_order, _registry.superuser_role = tuple(order), superuser_role


def register_retention(days: Callable[[], int]) -> None:
    """Declare how many days events are kept (read at each purge)."""
    _registry.retention_days = days


def register_target_lookup(target_type: str, lookup: Callable) -> None:
    """Declare ``lookup(user=..., key=...) -> instance | None`` for ``target_type``."""
    _registry.target_lookups[target_type] = lookup


def role_order() -> tuple[tuple[str, ...], str]:
    """Return (role names highest first, the superuser's role)."""
    return _registry.role_order, _registry.superuser_role


def retention_days() -> int:
    if _registry.retention_days is None:
        raise ImproperlyConfigured("audit.hooks.register_retention() was never called")
    return _registry.retention_days()


def find_target(target_type: str, *, user, key):
    """Return the instance of ``target_type`` known by ``key`` (None when there is none)."""
    lookup = _registry.target_lookups.get(target_type)
    if lookup is None:
        raise ImproperlyConfigured(f"no audit target lookup registered for {target_type}")
    return lookup(user=user, key=key)
