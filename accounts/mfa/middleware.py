"""Keep a user whose role requires 2FA on the enrolment page until they have enrolled."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.mfa.login import ENROLMENT_REQUIRED


class EnrolmentRequiredMiddleware:
    """Send a session flagged at login (``ENROLMENT_REQUIRED``) to enrolment, and nowhere else.

    The flag lives in the session, so this costs no query: it is set when the
    password step finds the role requires 2FA and no device exists, and
    cleared by enrolment.
    """

    _ALLOWED = (
        "mfa:enrol",
        "accounts:password_change",
        "accounts:logout",
        "mfa-api:totp",
        "mfa-api:totp-confirm",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(ENROLMENT_REQUIRED):
            path = request.path
            allowed = [reverse(name) for name in self._ALLOWED]
            if path not in allowed and not path.startswith(settings.STATIC_URL):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": _("Ative a verificação em duas etapas antes de continuar."),
                            "code": "mfa_enrolment_required",
                        },
                        status=403,
                    )
                return redirect("mfa:enrol")
        return self.get_response(request)
