"""Writes of two-factor authentication: enrolment, recovery codes, reset, per-role policy.

Every service is keyword-only and atomic, and records its audit event
(``audit.services``) inside the transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import devices
from accounts.mfa.models import RolePolicy
from accounts.mfa.policy import role_policies, user_requires_mfa
from accounts.models import User
from accounts.services import _end_sessions, user_revoke_tokens
from audit.choices import Action
from audit.services import audit_record, before_after


def _invalid_code():
    return ValidationError(_("Código inválido ou já utilizado."), code="invalid_code")


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = devices.new_static_device(user)
    device.save()
    codes = devices.new_recovery_codes()
    StaticToken.objects.bulk_create(devices.recovery_tokens(device, codes))
    return codes


@transaction.atomic
def mfa_totp_start(*, user: User) -> TOTPDevice:
    """Start enrolling an authenticator app: a new secret, unconfirmed until a code matches."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = devices.new_totp_device(user)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def mfa_totp_confirm(*, user: User, code: str, keep_session: str | None = None) -> list[str]:
    """Confirm the app being enrolled with a code from it; return 10 new recovery codes.

    The new app replaces any previous one and the old recovery codes are void.
    Every other web session of the user ends and every API token is revoked:
    whoever held them got in without this second factor.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
    code = (code or "").strip().replace(" ", "")
    if device is None or not code.isdigit() or not device.verify_token(code):
        raise _invalid_code()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    _end_sessions(user, keep=keep_session)
    user_revoke_tokens(user=user, reason="mfa_enabled", by=user)
    audit_record(action=Action.MFA_ENABLE, actor=user, target=user)
    return codes


@transaction.atomic
def mfa_recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """Return 10 new recovery codes, voiding the old ones; ``code`` is a current app code."""
    if not devices.has_mfa(user):
        raise ValidationError(_("Ative a verificação em duas etapas primeiro."), code="no_mfa")
    if devices.verify_code(user, code) is None:
        raise _invalid_code()
    codes = _replace_recovery_codes(user)
    audit_record(action=Action.MFA_RECOVERY_CODES, actor=user, target=user)
    return codes


@transaction.atomic
def mfa_disable(*, user: User, code: str) -> None:
    """Turn the user's own two-factor authentication off (a current code or recovery code)."""
    if user_requires_mfa(user):
        raise PermissionDenied(
            _("O seu papel exige a verificação em duas etapas: ela não pode ser desativada.")
        )
    if not devices.has_mfa(user):
        raise ValidationError(_("A verificação em duas etapas não está ativa."), code="no_mfa")
    if devices.verify_code(user, code) is None:
        raise _invalid_code()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=Action.MFA_DISABLE, actor=user, target=user)


@transaction.atomic
def mfa_reset(*, user: User, by: User | None) -> None:
    """Remove every second factor of ``user`` (lost phone); they enrol again at next login.

    Their sessions end and their API tokens are revoked. Only a superuser may
    reset a superuser's; ``by=None`` is the server's operator (``manage.py mfa_reset``).
    """
    if user.is_superuser and by is not None and not by.is_superuser:
        raise PermissionDenied(
            _("Somente um superusuário pode redefinir a verificação em duas etapas de outro.")
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    user_revoke_tokens(user=user, reason="mfa_reset", by=by)
    audit_record(action=Action.MFA_RESET, actor=by, target=user)


@transaction.atomic
def mfa_policy_update(*, required: dict[str, bool], by: User | None = None) -> dict[str, bool]:
    """Save which roles require two-factor authentication; return the new policy."""
    current = role_policies()
    unknown = set(required) - set(current)
    if unknown:
        raise ValidationError(_("Papel desconhecido."), code="unknown_role")
    changes = {}
    for role, old in current.items():
        new = bool(required.get(role, False))
        RolePolicy.objects.update_or_create(role=role, defaults={"mfa_required": new})
        if new != old:
            changes[role] = (old, new)
    if changes:
        audit_record(
            action=Action.MFA_POLICY_UPDATE,
            actor=by,
            target=("mfa.rolepolicy", "", ""),
            details={"changes": before_after(changes)},
        )
    return role_policies()
