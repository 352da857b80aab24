"""Writes of the audit trail: the one way to record an event, and the purge.

``audit_record`` runs in the caller's transaction: inside a service's
``transaction.atomic`` a failure to record rolls the audited write back, and
for a read it raises, so no read goes unrecorded silently.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from audit import context as audit_context
from audit import hooks
from audit.choices import SYSTEM_ACTOR, Action, Channel
from audit.models import AuditEvent
from audit.network import client_ip
from audit.sanitize import mask_cpfs_in_text, sanitize

logger = logging.getLogger(__name__)

PURGE_BATCH_SIZE = 50_000
_USER_AGENT_MAX = 512


def _channel_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Channel.API
    if path.startswith("/admin/"):
        return Channel.ADMIN
    return Channel.WEB


def request_origin(request) -> dict:
    """Return the request id, channel, client IP and user agent of ``request``."""
    ctx = audit_context.current()
    request_id = getattr(request, "request_id", None) or (ctx.request_id if ctx else "")
    return {
        "request_id": request_id,
        "channel": _channel_for_path(request.path),
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_MAX],
    }


# The actor's highest role, computed inside the INSERT (one round trip per
# event). Mirrors accounts.roles.user_role (the order accounts registers in
# audit.hooks, highest first); a superuser without a role group is an Administrador.
_ROLE_SQL = """COALESCE((
    SELECT g.name FROM auth_group g
      JOIN {user_groups} ug ON ug.group_id = g.id
     WHERE ug.user_id = %s AND g.name = ANY(%s)
     ORDER BY array_position(%s, g.name::text)
     LIMIT 1), %s)"""


def _role_sql(user) -> tuple[str, list]:
    role_order, superuser_role = hooks.role_order()
    table = get_user_model().groups.through._meta.db_table
    order = list(role_order)
    params = [user.pk, order, order, superuser_role if user.is_superuser else ""]
    return _ROLE_SQL.format(user_groups=connection.ops.quote_name(table)), params


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _actor_fields(actor) -> dict:
    if not _is_user(actor):
        return {"actor_id": None, "actor_email": "", "actor_role": ""}
    return {"actor_id": actor.pk, "actor_email": (actor.email or "").lower(), "actor_role": ""}


def _insert(event: AuditEvent, *, actor, durable: bool) -> None:
    """INSERT ``event`` in one statement, role computed by the database.

    Not durable: the statement sets ``synchronous_commit = off`` for its own
    implicit transaction, so its commit does not wait for the WAL flush.
    """
    quote = connection.ops.quote_name
    columns, values, params = [], [], []
    for field in AuditEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name == "actor_role" and _is_user(actor):
            sql, role_params = _role_sql(actor)
            values.append(sql)
            params.extend(role_params)
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(getattr(event, field.attname), connection))
    insert = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(columns)}) "
    select = f"SELECT {', '.join(values)}"
    if durable:
        sql = f"{insert}{select} RETURNING id, actor_role"
    else:
        sql = (
            "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)) "
            f"{insert}{select} FROM async_commit RETURNING id, actor_role"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk, event.actor_role = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


def _target_fields(target) -> dict:
    """Accept a model instance or a ("app_label.model", id[, label]) tuple."""
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    if isinstance(target, tuple):
        target_type, target_id, *label = target
        label = label[0] if label else ""
    else:
        meta = target._meta
        target_type, target_id, label = f"{meta.app_label}.{meta.model_name}", target.pk, target
    return {
        "target_type": target_type,
        "target_id": "" if target_id is None else str(target_id),
        "target_label": mask_cpfs_in_text(str(label))[:255],
    }


def audit_record(
    *,
    action: Action | str,
    actor=None,
    request=None,
    target=None,
    details: Mapping | None = None,
) -> AuditEvent:
    """Record one audited operation and return the stored event.

    ``actor`` defaults to the request's user (``request`` defaults to the one
    being served, see ``audit.context``); with neither, the actor is "system"
    (a task or command). ``target`` is a model instance or a
    ``("app_label.model", id, label)`` tuple. ``details`` is sanitised: secret
    keys are dropped and CPFs masked.
    """
    ctx = audit_context.current()
    if request is None and ctx is not None:
        request = ctx.request
    if actor is None:
        if request is not None:
            actor = getattr(request, "user", None)
        elif ctx is not None:
            actor = ctx.actor

    if request is not None and not (ctx is not None and request is ctx.request):
        origin = request_origin(request)  # a request other than the one being served
    elif ctx is not None:
        origin = {
            "request_id": ctx.request_id,
            "channel": ctx.channel,
            "ip": ctx.ip,
            "user_agent": ctx.user_agent,
        }
    else:
        origin = {"request_id": "", "channel": Channel.TASK, "ip": None, "user_agent": ""}

    actor_fields = _actor_fields(actor)
    if actor_fields["actor_id"] is None and request is None:
        actor_fields["actor_email"] = SYSTEM_ACTOR

    event = AuditEvent(
        action=str(action),
        details=sanitize(dict(details or {})),
        **origin,
        **actor_fields,
        **_target_fields(target),
    )
    # Inside a transaction (the audited write's) the event commits, durably,
    # with it. Alone, it is a read's event: waiting for the WAL flush costs
    # milliseconds per request, and a PostgreSQL crash could lose only the
    # last fraction of a second of read events, never a change (a failed
    # INSERT still fails the read). AUDIT_SYNCHRONOUS_COMMIT=true makes every
    # event wait for the flush.
    _insert(
        event,
        actor=actor,
        durable=connection.in_atomic_block or settings.AUDIT_SYNCHRONOUS_COMMIT,
    )
    return event


def audit_record_bulk(
    *,
    action: Action | str,
    target_type: str,
    count: int,
    actor=None,
    ids=None,
    details: Mapping | None = None,
) -> AuditEvent:
    """Record one event for a bulk write (bulk_create/update/delete, COPY).

    Django's bulk methods send no signals: code that uses them calls this in
    the same transaction. Up to 1,000 affected ids are kept in the details.
    """
    extra = {"count": count, **(details or {})}
    if ids is not None:
        ids = list(ids)
        extra["ids"] = ids[:1000]
        extra["ids_truncated"] = len(ids) > 1000
    return audit_record(action=action, actor=actor, target=(target_type, ""), details=extra)


def before_after(changes) -> dict:
    """Return ``{field: {"before": old, "after": new}}`` for ``{field: (old, new)}``."""
    return {field: {"before": old, "after": new} for field, (old, new) in (changes or {}).items()}


def audit_purge_expired(*, now=None, batch_size: int = PURGE_BATCH_SIZE) -> int:
    """Delete events older than the retention period; record the purge; return the count.

    Deletes in batches, each its own transaction, through the database function
    ``audit_purge_before`` (the only path the append-only trigger lets through).
    """
    retention_days = hooks.retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    purged = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT audit_purge_before(%s, %s)", [cutoff, batch_size])
            deleted = cursor.fetchone()[0]
        purged += deleted
        if deleted < batch_size:
            break
    audit_record(
        action=Action.AUDIT_PURGE,
        details={"cutoff": cutoff.isoformat(), "retention_days": retention_days, "count": purged},
    )
    logger.info("audit purge: %s events older than %s deleted", purged, cutoff.isoformat())
    return purged


ANONYMIZED_LABEL = "Titular anonimizado #{id}"


def audit_anonymize_targets(*, target_type: str, target_ids, actor=None) -> int:
    """Strip personal data from the events about these objects; record it; return the count.

    For LGPD anonymisation: each event keeps its action, time, actor, origin
    and the object's type and id; its label becomes "Titular anonimizado #id"
    and its details only the names of the fields a change touched. Runs in
    the caller's transaction through the database function
    ``audit_anonymize_targets`` (the only UPDATE the append-only trigger lets
    through), and records an ``audit.anonymize`` event with the ids.
    """
    ids = [str(i) for i in target_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_anonymize_targets(%s, %s, %s)", [target_type, ids, ANONYMIZED_LABEL]
        )
        changed = cursor.fetchone()[0]
    audit_record_bulk(
        action=Action.AUDIT_ANONYMIZE,
        actor=actor,
        target_type=target_type,
        count=changed,
        ids=ids,
        details={"titulares": len(ids)},
    )
    return changed


_PAGINATION_PARAMS = frozenset({"page", "size", "page_size", "cursor"})


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def audit_search(
    *,
    request,
    params: Mapping,
    count: int,
    exact: bool = True,
    duration_ms: float | None = None,
    cache: str | None = None,
    ids=None,
) -> AuditEvent:
    """Record a client search: the filters used (CPFs masked) and how many matched.

    ``ids``: the clients the answer showed (an API page), so who saw whom
    stays traceable when lists are walked; omitted when not given.

    ``exact`` is False when ``count`` is a lower bound (capped counts) or the
    results on one page of a search without a total. ``duration_ms`` and
    ``cache`` ("hit"/"miss": whether Redis answered) feed the managers' metrics
    page (monitoring.usage reads these detail keys); omitted when unknown.
    """
    # PostgreSQL's jsonb cannot hold NUL: a query string may carry one.
    filters = {
        _without_nul(key): _without_nul(value)
        for key, value in params.items()
        if key not in _PAGINATION_PARAMS and value not in (None, "")
    }
    details = {"filtros": filters, "resultados": count, "contagem_exata": exact}
    if duration_ms is not None:
        details["duracao_ms"] = duration_ms
    if cache is not None:
        details["cache"] = cache
    if ids is not None:
        details["ids"] = list(ids)
    return audit_record(action=Action.CLIENTE_SEARCH, request=request, details=details)
