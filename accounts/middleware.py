"""Session lifetime and the forced change of a temporary password."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SESSION_STARTED = "accounts.started"
SESSION_LAST_SEEN = "accounts.last_seen"
# On the login page's URL: the user was sent there because the session ended.
SESSION_EXPIRED_PARAM = "sessao_expirada"
# Writing the session on every request would cost a query per request; the
# idle clock is precise to this many seconds instead.
_TOUCH_EVERY = 60


def start_session_clock(session) -> None:
    """Record the login time (called at login)."""
    now = int(time.time())
    session[SESSION_STARTED] = now
    session[SESSION_LAST_SEEN] = now
    session.set_expiry(settings.SESSION_IDLE_SECONDS)


class SessionLifetimeMiddleware:
    """End a web session after SESSION_IDLE_SECONDS idle or SESSION_COOKIE_AGE in total.

    While the user is active the session (and its cookie) is renewed, so
    working users are never thrown out mid-task before the absolute limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED)
            last_seen = session.get(SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                start_session_clock(session)
            elif (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)  # deletes the server-side session
                messages.info(request, _("Sua sessão expirou. Entre novamente."))
            elif now - last_seen >= _TOUCH_EVERY:
                session[SESSION_LAST_SEEN] = now
                remaining = settings.SESSION_COOKIE_AGE - (now - started)
                session.set_expiry(max(1, min(settings.SESSION_IDLE_SECONDS, remaining)))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user with a temporary password to the password change page first."""

    _ALLOWED = ("accounts:password_change", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = [reverse(name) for name in self._ALLOWED]
            path = request.path
            if path not in allowed and not path.startswith(settings.STATIC_URL):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": str(_("Troque a sua senha temporária antes de continuar.")),
                            "code": "password_change_required",
                        },
                        status=403,
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """Turn "log in first" into a whole-page visit of the login page for HTMX requests.

    An HTMX request whose session has expired would follow the redirect to the
    login page inside the XHR and swap nothing (a blank results area under a
    header that still shows the user). Instead the browser goes to the login
    page, which says why, and comes back to the page the user was on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if not response["Location"].startswith(login):
            return response
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = current.path + (f"?{current.query}" if current.query else "")
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("home")
        redirect_to = f"{login}?{urlencode({'next': back, SESSION_EXPIRED_PARAM: '1'})}"
        redirected = HttpResponse(status=204)
        redirected["HX-Redirect"] = redirect_to
        return redirected
