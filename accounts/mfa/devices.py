"""The user's second factors (django-otp devices): reads, code checks, QR code.

A user has at most one confirmed TOTP device (the authenticator app) and one
static device holding their recovery codes. Recovery codes are stored as keyed
digests, never as the codes themselves: a copy of the database does not give
them away.
"""

import re
import secrets
from base64 import b32encode

import segno
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
_TOTP_CODE = re.compile(r"\d{6}")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_TOTP_NAME = "Aplicativo autenticador"
_STATIC_NAME = "Códigos de recuperação"


def has_mfa(user) -> bool:
    """Return whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_devices(user) -> list:
    """Return the user's confirmed devices (app, then recovery codes) with ``codes_left``."""
    totp = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at"))
    static = list(StaticDevice.objects.filter(user=user, confirmed=True).order_by("created_at"))
    for device in static:
        device.codes_left = device.token_set.count()
    return totp + static


def pending_totp_device(user) -> TOTPDevice | None:
    """Return the authenticator app the user is enrolling (not yet confirmed), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def new_totp_device(user) -> TOTPDevice:
    """Return a new unconfirmed TOTP device (a fresh secret) for ``user``."""
    return TOTPDevice(user=user, name=_TOTP_NAME, confirmed=False)


def new_static_device(user) -> StaticDevice:
    return StaticDevice(user=user, name=_STATIC_NAME, confirmed=True)


def secret_base32(device: TOTPDevice) -> str:
    """Return the secret as authenticator apps take it when typed (RFC 4648 base32)."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_data_uri(device: TOTPDevice) -> str:
    """Return the device's otpauth:// URL as an SVG QR code in a data: URI (made here, offline)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def new_recovery_codes() -> list[str]:
    """Return RECOVERY_CODE_COUNT random codes such as ``3f9a1-c07be`` (40 bits each)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_digest(code: str) -> str:
    """Return what is stored for a recovery code: a keyed digest fitting StaticToken.token."""
    normalised = _NOT_ALNUM.sub("", code.lower())
    digest = salted_hmac("accounts.mfa.recovery_code", normalised).digest()
    return b32encode(digest).decode("ascii")[:16].lower()


def recovery_tokens(device: StaticDevice, codes: list[str]) -> list[StaticToken]:
    return [StaticToken(device=device, token=recovery_code_digest(code)) for code in codes]


@transaction.atomic
def verify_code(user, code: str):
    """Return the device that accepts ``code`` (consuming it), or None.

    A 6-digit code is checked against the authenticator app (±1 time step, and
    never a step already used: django-otp's ``last_t``); anything else against
    the recovery codes, each deleted when used. The device rows are locked so
    two concurrent requests cannot both spend the same code.
    """
    code = (code or "").strip().replace(" ", "")
    if not code or len(code) > 32:
        return None
    if _TOTP_CODE.fullmatch(code):
        devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        token = code
    else:
        devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        token = recovery_code_digest(code)
    for device in devices:
        if device.verify_token(token):
            return device
    return None
