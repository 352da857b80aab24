"""Signal receivers that turn framework events into audit events.

Connected in ``AuditConfig.ready``: Django's auth signals, django-axes'
lockout (when installed), the Django admin's change log, and Celery's task
signals (which carry the request id from the request that queued a task to
the worker that runs it).
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from accounts import ip_limit
from accounts.emails import MAX_LENGTH, normalized_email
from audit import context as audit_context
from audit.choices import Action, Channel
from audit.services import audit_record


def _tried_email(value) -> str:
    return normalized_email(str(value or ""))[:MAX_LENGTH]


def _user_target(email: str):
    """Target the account an anonymous attempt was aimed at (by e-mail)."""
    from django.contrib.auth import get_user_model

    user_id = (
        get_user_model().objects.filter(email=email).values_list("pk", flat=True).first()
        if email
        else None
    )
    return ("accounts.user", user_id, email)


def on_user_logged_in(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, actor=user, request=request, target=user)


def on_user_logged_out(sender, request, user, **kwargs):
    audit_record(action=Action.LOGOUT, actor=user, request=request, target=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    # Django already replaced the password with asterisks; only the e-mail
    # is kept anyway.
    email = _tried_email(credentials.get("username") or credentials.get("email"))
    audit_record(
        action=Action.LOGIN_FAILED,
        request=request,
        target=_user_target(email),
        details={"email": email},
    )


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    email = _tried_email(username)
    details = {"email": email, "ip": ip_address, "scope": "account_ip"}
    ip_until = ip_limit.blocked_until(request)
    if ip_until is not None:  # every account from this IP, not just this pair
        details.update(scope="ip", until=ip_until.isoformat())
    audit_record(
        action=Action.LOCKOUT, request=request, target=_user_target(email), details=details
    )


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


# --- accounts.signals: tokens, passwords, users, Configurações --------------
# Services send these inside their transaction: the event commits with the change.


def _before_after(changes) -> dict:
    return {field: {"before": old, "after": new} for field, (old, new) in (changes or {}).items()}


def on_token_obtained(sender, user, request=None, **kwargs):
    audit_record(action=Action.TOKEN_OBTAIN, actor=user, request=request, target=user)


def on_token_refreshed(sender, user, request=None, **kwargs):
    audit_record(action=Action.TOKEN_REFRESH, actor=user, request=request, target=user)


def on_tokens_revoked(sender, user, reason=None, by=None, **kwargs):
    audit_record(action=Action.TOKEN_REVOKE, actor=by, target=user, details={"reason": reason})


def on_password_changed(sender, user, **kwargs):
    audit_record(action=Action.PASSWORD_CHANGE, actor=user, target=user)


def on_password_reset(sender, user, by=None, **kwargs):
    audit_record(action=Action.PASSWORD_RESET, actor=by, target=user)


def on_user_created(sender, user, by=None, role=None, **kwargs):
    details = {"email": user.email, "role": role}
    audit_record(action=Action.USER_CREATE, actor=by, target=user, details=details)


def on_user_changed(sender, user, by=None, changes=None, **kwargs):
    audit_record(
        action=Action.USER_UPDATE,
        actor=by,
        target=user,
        details={"changes": _before_after(changes)},
    )


def on_user_deactivated(sender, user, by=None, **kwargs):
    audit_record(action=Action.USER_DEACTIVATE, actor=by, target=user)


def on_user_reactivated(sender, user, by=None, **kwargs):
    audit_record(action=Action.USER_REACTIVATE, actor=by, target=user)


def on_user_unlocked(sender, email, by=None, attempts=0, **kwargs):
    email = _tried_email(email)
    audit_record(
        action=Action.UNLOCK,
        actor=by,
        target=_user_target(email),
        details={"email": email, "attempts": attempts},
    )


def on_system_settings_changed(sender, settings, by=None, changes=None, **kwargs):
    audit_record(
        action=Action.SETTINGS_UPDATE,
        actor=by,
        target=settings,
        details={"changes": _before_after(changes)},
    )


ACCOUNT_SIGNAL_RECEIVERS = {
    "token_obtained": on_token_obtained,
    "token_refreshed": on_token_refreshed,
    "tokens_revoked": on_tokens_revoked,
    "password_changed": on_password_changed,
    "password_reset": on_password_reset,
    "user_created": on_user_created,
    "user_changed": on_user_changed,
    "user_deactivated": on_user_deactivated,
    "user_reactivated": on_user_reactivated,
    "user_unlocked": on_user_unlocked,
    "system_settings_changed": on_system_settings_changed,
}


# --- accounts.mfa.signals: two-factor authentication -------------------------


def on_mfa_enabled(sender, user, **kwargs):
    audit_record(action=Action.MFA_ENABLE, actor=user, target=user)


def on_mfa_disabled(sender, user, **kwargs):
    audit_record(action=Action.MFA_DISABLE, actor=user, target=user)


def on_mfa_reset(sender, user, by=None, **kwargs):
    audit_record(action=Action.MFA_RESET, actor=by, target=user)


def on_recovery_codes_regenerated(sender, user, **kwargs):
    audit_record(action=Action.MFA_RECOVERY_CODES, actor=user, target=user)


def on_mfa_policy_changed(sender, by=None, changes=None, **kwargs):
    audit_record(
        action=Action.MFA_POLICY_UPDATE,
        actor=by,
        target=("mfa.rolepolicy", "", ""),
        details={"changes": _before_after(changes)},
    )


MFA_SIGNAL_RECEIVERS = {
    "mfa_enabled": on_mfa_enabled,
    "mfa_disabled": on_mfa_disabled,
    "mfa_reset": on_mfa_reset,
    "recovery_codes_regenerated": on_recovery_codes_regenerated,
    "mfa_policy_changed": on_mfa_policy_changed,
}


# --- reports.signals: export request, completion, download -------------------
# Sent inside the job's transaction (reports/services.py): no export without its event.

_EXPORT_FINISHED = {"done": Action.EXPORT_COMPLETE, "failed": Action.EXPORT_FAIL}


def _export_details(job) -> dict:
    return {
        "format": job.format,
        "filtros": job.filters,
        "campos": job.fields,
        "status": job.status,
        "linhas": job.row_count,
    }


def on_export_requested(sender, job, user, **kwargs):
    details = _export_details(job)
    audit_record(action=Action.EXPORT_REQUEST, actor=user, target=job, details=details)


def on_export_finished(sender, job, user, **kwargs):
    action = _EXPORT_FINISHED.get(job.status, Action.EXPORT_FAIL)
    details = {**_export_details(job), "erro": job.error[:500] if job.error else ""}
    audit_record(action=action, actor=user, target=job, details=details)


def on_export_downloaded(sender, job, user, **kwargs):
    details = _export_details(job)
    audit_record(action=Action.EXPORT_DOWNLOAD, actor=user, target=job, details=details)


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
