"""Reactions of accounts to Django's authentication signals."""

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from accounts.middleware import start_session_clock
from accounts.models import User
from accounts.permission_cache import invalidate_permissions


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
