"""Writes on accounts: users, roles, passwords, token revocation, Configurações.

Every service is keyword-only and atomic; inside the transaction it records its
audit event (``audit.services``) and sends its signal from ``accounts.signals``.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import signals
from accounts.emails import normalized_email, tried_email
from accounts.models import SystemSettings, User
from accounts.roles import ADMINISTRADOR, ROLE_LABELS, may_manage, user_role
from accounts.selectors import user_audit_target
from accounts.system_settings import forget_cached_settings
from audit.choices import Action
from audit.services import audit_record, before_after


def _set_role(user: User, role: str) -> None:
    if role not in ROLE_LABELS:
        raise ValueError(f"unknown role {role!r}")
    user.groups.set([Group.objects.get(name=role)])
    # Administradores also manage users and settings in the Django admin.
    user.is_staff = role == ADMINISTRADOR
    # The role shown is the power held: a demoted superuser is one no more.
    if role != ADMINISTRADOR:
        user.is_superuser = False


def _ensure_may_manage(by: User | None, user: User) -> None:
    if by is not None and not may_manage(by, user):
        raise PermissionDenied("only superusers may change a superuser's account")


@transaction.atomic
def user_create(*, email: str, nome: str, role: str, password: str, by: User | None = None) -> User:
    """Create a user with one role and a temporary password to change at first login."""
    user = User(email=email, nome=nome, must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    _set_role(user, role)
    user.save(update_fields=["is_staff"])
    details = {"email": user.email, "role": role}
    audit_record(action=Action.USER_CREATE, actor=by, target=user, details=details)
    signals.user_created.send(User, user=user, by=by, role=role)
    return user


@transaction.atomic
def user_update(*, user: User, nome: str, email: str, role: str, by: User | None = None) -> User:
    """Change a user's name, email and role (a superuser's only by a superuser)."""
    _ensure_may_manage(by, user)
    old = {
        "nome": user.nome,
        "email": user.email,
        "role": user_role(user),
        "is_superuser": user.is_superuser,
    }
    user.nome = nome
    user.email = email
    user.full_clean()
    _set_role(user, role)
    user.save()
    new = {"nome": user.nome, "email": user.email, "role": role, "is_superuser": user.is_superuser}
    changes = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
    if changes:
        details = {"changes": before_after(changes)}
        audit_record(action=Action.USER_UPDATE, actor=by, target=user, details=details)
        signals.user_changed.send(User, user=user, by=by, changes=changes)
    return user


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete the user's server-side web sessions but the one keyed ``keep``; return how many.

    Sessions do not index their user, so this decodes the live ones: an
    administrator's action over at most a few thousand rows.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
        and session.session_key != keep
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_revoke_tokens(*, user: User, reason: str, by: User | None = None) -> None:
    """Revoke every API token of the user: refresh tokens and access tokens alike.

    Refresh tokens go to the blacklist; access tokens are short-lived and not
    stored, so bumping ``token_version`` makes all the ones already issued
    invalid (see ``accounts.api.authentication``).
    """
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    details = {"reason": reason}
    audit_record(action=Action.TOKEN_REVOKE, actor=by, target=user, details=details)
    signals.tokens_revoked.send(User, user=user, reason=reason, by=by)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """Deactivate a user: no login, web sessions ended and API tokens revoked now."""
    if by is not None and by.pk == user.pk:
        raise ValueError("users cannot deactivate themselves")
    _ensure_may_manage(by, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    user_revoke_tokens(user=user, reason="deactivated", by=by)
    audit_record(action=Action.USER_DEACTIVATE, actor=by, target=user)
    signals.user_deactivated.send(User, user=user, by=by)
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User | None = None) -> User:
    """Let a deactivated user log in again."""
    _ensure_may_manage(by, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action=Action.USER_REACTIVATE, actor=by, target=user)
    signals.user_reactivated.send(User, user=user, by=by)
    return user


@transaction.atomic
def user_reset_password(*, user: User, password: str, by: User | None = None) -> User:
    """Set a temporary password (changed at next login) and end sessions and tokens."""
    _ensure_may_manage(by, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions(user)
    user_revoke_tokens(user=user, reason="password_reset", by=by)
    audit_record(action=Action.PASSWORD_RESET, actor=by, target=user)
    signals.password_reset.send(User, user=user, by=by)
    return user


@transaction.atomic
def user_change_password(*, user: User, password: str) -> User:
    """Change the user's own password; their API tokens are revoked.

    The caller keeps the current web session with ``update_session_auth_hash``;
    Django ends the user's other sessions (their auth hash no longer matches).
    """
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    user_revoke_tokens(user=user, reason="password_changed", by=user)
    audit_record(action=Action.PASSWORD_CHANGE, actor=user, target=user)
    signals.password_changed.send(User, user=user)
    return user


@transaction.atomic
def user_unlock(*, email: str, by: User | None = None) -> int:
    """Clear the failed-login lockout of an account from every IP; return records removed."""
    username = normalized_email(email)
    count = AxesProxyHandler.reset_attempts(username=username)
    email = tried_email(username)
    audit_record(
        action=Action.UNLOCK,
        actor=by,
        target=user_audit_target(email),
        details={"email": email, "attempts": count},
    )
    signals.user_unlocked.send(User, email=username, by=by, attempts=count)
    return count


@transaction.atomic
def system_settings_update(*, values: dict, by: User | None = None) -> SystemSettings:
    """Validate and save the system parameters (Configurações)."""
    row, _created = SystemSettings.objects.select_for_update().get_or_create(pk=1)
    changes = {}
    for field, value in values.items():
        old = getattr(row, field)
        if old != value:
            changes[field] = (old, value)
        setattr(row, field, value)
    row.updated_by = by
    row.full_clean()
    row.save()
    # This process reads the new values at once; others within their cache TTL.
    forget_cached_settings()
    transaction.on_commit(forget_cached_settings)
    if changes:
        details = {"changes": before_after(changes)}
        audit_record(action=Action.SETTINGS_UPDATE, actor=by, target=row, details=details)
        signals.system_settings_changed.send(SystemSettings, settings=row, by=by, changes=changes)
    return row


@transaction.atomic
def user_reset_password_by_link(*, user: User, password: str) -> User:
    """Set the password the user chose through an e-mailed reset link.

    The user proved to hold the mailbox: the password is final (no forced
    change). Other sessions end and API tokens are revoked, as on any reset;
    the link dies with the old password (Django's token covers its hash).
    """
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions(user)
    user_revoke_tokens(user=user, reason="password_reset", by=user)
    audit_record(action=Action.PASSWORD_RESET, actor=user, target=user, details={"via": "link"})
    return user
