"""The second factor of ``POST /api/v1/auth/token/``: the body's ``otp``.

A user with 2FA gets tokens only with a current app code or a recovery code;
a wrong one is a failed login (same lockout as a wrong password).
"""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from accounts.lockout import lockout_response
from accounts.mfa import devices, login
from accounts.mfa.policy import user_requires_mfa


def _refusal(detail, code, http_status=status.HTTP_401_UNAUTHORIZED):
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if http_status == 401 else None
    return Response({"detail": detail, "code": code}, status=http_status, headers=headers)


def second_factor_refusal(request, *, user, email: str, otp: str | None) -> Response | None:
    """Return why ``user`` (right password) gets no tokens yet, or None to issue them.

    ``request`` is the Django request (axes flags it, not DRF's wrapper).
    """
    if not devices.has_mfa(user):
        if user_requires_mfa(user):
            return _refusal(
                _(
                    "O seu papel exige verificação em duas etapas: entre no sistema pelo "
                    "navegador e configure-a antes de usar a API."
                ),
                "mfa_enrolment_required",
                status.HTTP_403_FORBIDDEN,
            )
        return None
    if not otp:
        return _refusal(
            _("Envie em “otp” o código do aplicativo autenticador ou um código de recuperação."),
            "mfa_required",
        )
    if devices.verify_code(user, otp) is not None:
        return None
    if login.record_failure(request, email):
        return lockout_response(request, credentials={"username": email})
    return _refusal(_("Código inválido ou já utilizado."), "invalid_otp")
