"""Signals of the client registry, for apps above it (webhooks) to react to.

``cliente_changed`` is sent by every write service inside its transaction,
after the change is saved, with ``event`` (``client.created``,
``client.updated``, ``client.deactivated``, ``client.reactivated`` or
``client.deleted``) and ``cliente`` (for a deletion, the row just before it
goes). Receivers that talk to the outside world wait for the commit.
"""

from django.dispatch import Signal

CREATED = "client.created"
UPDATED = "client.updated"
DEACTIVATED = "client.deactivated"
REACTIVATED = "client.reactivated"
DELETED = "client.deleted"
EVENTS = (CREATED, UPDATED, DEACTIVATED, REACTIVATED, DELETED)

cliente_changed = Signal()
