"""Signal receivers that turn framework events into audit events.

Connected in ``AuditConfig.ready``: the Django admin's change log and Celery's
task signals (which carry the request id from the request that queued a task
to the worker that runs it). The apps' own events are recorded by their
services, which call ``audit.services`` inside their transactions; logins and
lockouts by ``accounts.receivers``.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from audit import context as audit_context
from audit.choices import Action, Channel
from audit.services import audit_record

_ADMIN_ACTIONS = {
    ADDITION: Action.ADMIN_ADD,
    CHANGE: Action.ADMIN_CHANGE,
    DELETION: Action.ADMIN_DELETE,
}


def on_admin_log_entry(sender, instance, created, **kwargs):
    """Record each change made through the Django admin (it bypasses our services)."""
    if not created:
        return
    content_type = instance.content_type
    target_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit_record(
        action=_ADMIN_ACTIONS.get(instance.action_flag, Action.ADMIN_CHANGE),
        actor=instance.user,
        target=(target_type, instance.object_id, instance.object_repr),
        details={"change": instance.get_change_message()},
    )


# --- Celery: carry the request id into tasks --------------------------------

_task_tokens: dict[str, object] = {}


def on_before_task_publish(sender=None, headers=None, **kwargs):
    request_id = audit_context.current_request_id()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


def on_task_prerun(sender=None, task_id=None, task=None, **kwargs):
    if audit_context.current() is not None:
        return  # eager task inside a request: keep the request's context
    request = getattr(task, "request", None)
    request_id = getattr(request, "request_id", None) or (
        (getattr(request, "headers", None) or {}).get("request_id")
    )
    context = audit_context.OperationContext(
        request_id=request_id or audit_context.new_request_id(), channel=Channel.TASK
    )
    _task_tokens[task_id] = audit_context.activate(context)


def on_task_postrun(sender=None, task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        audit_context.deactivate(token)
