"""Signals of the client registry, for apps above it (webhooks) to react to.

``cliente_changed`` is sent by every write service inside its transaction,
after the change is saved, with ``event`` (``client.created``,
``client.updated``, ``client.deactivated``, ``client.reactivated``,
``client.deleted`` or ``client.merged``: sent for the merged-away record, its
``merged_into`` naming the survivor) and ``cliente`` (for a deletion, the row
just before it goes). Receivers that talk to the outside world wait for the commit.

The LGPD services (app ``lgpd``) send ``client.blocked``, ``client.unblocked``
and ``client.anonymized`` the same way; batch writers (a batch anonymisation,
an import's batch) send ``clientes_changed`` once per batch with ``event`` and
``ids``.
"""

from django.dispatch import Signal

CREATED = "client.created"
UPDATED = "client.updated"
DEACTIVATED = "client.deactivated"
REACTIVATED = "client.reactivated"
DELETED = "client.deleted"
BLOCKED = "client.blocked"
UNBLOCKED = "client.unblocked"
ANONYMIZED = "client.anonymized"
MERGED = "client.merged"
EVENTS = (
    CREATED, UPDATED, DEACTIVATED, REACTIVATED, DELETED, BLOCKED, UNBLOCKED, ANONYMIZED, MERGED,
)  # fmt: skip
# Events told with the client's id only: a blocked client's data may not be
# processed (LGPD art. 18, IV), and an anonymised one has none left to tell.
ID_ONLY_EVENTS = (BLOCKED, ANONYMIZED)

cliente_changed = Signal()
clientes_changed = Signal()
