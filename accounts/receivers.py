"""Reactions of accounts to Django's authentication signals (and django-axes').

Logins, logouts, failed logins and lockouts are recorded in the audit log here:
Django and django-axes send these signals, our services do not.
"""

from axes.signals import user_locked_out
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from accounts import ip_limit
from accounts.emails import tried_email
from accounts.middleware import start_session_clock
from accounts.models import User
from accounts.permission_cache import invalidate_permissions
from accounts.selectors import user_audit_target
from audit.choices import Action
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="accounts.start_session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    # Login already gave the session a new id (no fixation); start its clocks.
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)


def _permissions_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        invalidate_permissions()


# Who holds which permission: group membership, a group's or user's own
# permissions, and deletions (whose cascades send no m2m signal).
for _through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(_permissions_changed, sender=_through, dispatch_uid=f"perms.{_through}")
for _model in (Group, Permission):
    post_delete.connect(_permissions_changed, sender=_model, dispatch_uid=f"perms.del.{_model}")


@receiver(user_logged_in, dispatch_uid="audit.in")
def _audit_logged_in(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, actor=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="audit.out")
def _audit_logged_out(sender, request, user, **kwargs):
    audit_record(action=Action.LOGOUT, actor=user, request=request, target=user)


@receiver(user_login_failed, dispatch_uid="audit.failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django already replaced the password with asterisks; only the e-mail
    # is kept anyway.
    email = tried_email(credentials.get("username") or credentials.get("email"))
    audit_record(
        action=Action.LOGIN_FAILED,
        request=request,
        target=user_audit_target(email),
        details={"email": email},
    )


@receiver(user_locked_out, dispatch_uid="audit.lockout")
def _audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    email = tried_email(username)
    details = {"email": email, "ip": ip_address, "scope": "account_ip"}
    ip_until = ip_limit.blocked_until(request)
    if ip_until is not None:  # every account from this IP, not just this pair
        details.update(scope="ip", until=ip_until.isoformat())
    audit_record(
        action=Action.LOCKOUT, request=request, target=user_audit_target(email), details=details
    )
