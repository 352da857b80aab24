"""Test helpers: an enrolled authenticator app and the codes it would show."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import devices


def enrol(user) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator app (as if they had enrolled)."""
    device = devices.new_totp_device(user)
    device.confirmed = True
    device.save()
    return device


def give_recovery_codes(user) -> list[str]:
    """Give ``user`` 10 recovery codes; return them in clear."""
    device = devices.new_static_device(user)
    device.save()
    codes = devices.new_recovery_codes()
    StaticToken.objects.bulk_create(devices.recovery_tokens(device, codes))
    return codes


def code_at(key: bytes, step_offset: int = 0, when: float | None = None) -> str:
    """Return the 6-digit code an app with ``key`` shows ``step_offset`` steps from ``when``."""
    totp = TOTP(key)
    totp.time = (time.time() if when is None else when) + 30 * step_offset
    return f"{totp.token():06d}"


def fresh_code(user) -> str:
    """Return a code of the user's app the server has not accepted yet.

    The server accepts the previous, current and next time step, each once
    (``last_t``); when all three are spent, wait for the next step.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        now = time.time()
        current = int(now // 30)
        step = max(current - 1, device.last_t + 1)
        if step <= current + 1:
            return code_at(device.bin_key, step - current, now)
        time.sleep(30 - now % 30 + 0.05)


def second_step_in_browser(page, user) -> None:
    """Type a fresh code of ``user``'s app on the login's second step (Playwright page)."""
    page.wait_for_url("**/conta/entrar/verificar/")
    page.get_by_label("Código").fill(fresh_code(user))
    page.get_by_role("button", name="Verificar").click()
