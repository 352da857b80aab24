"""Who may use each URL of accounts (and of the Django admin). See accounts/tests/matrix.py."""

from django.contrib.auth import get_user_model

from accounts.roles import ADMINISTRADOR
from accounts.tests.matrix import ADMIN_LOGIN, LOGIN, api, custom, public

_OK_OR_REDIRECT = (200, 302)


def _another_user(ctx):
    """A throwaway user to act on (each visitor gets its own)."""
    User = get_user_model()
    count = User.objects.count()
    user = User.objects.create_user(email=f"alvo{count}@teste.com.br", nome="Alvo")
    return {"pk": user.pk}


def _admin_only(**options):
    return custom(LOGIN, 403, 403, 200, **options)


def _admin_action(**options):
    return custom(LOGIN, 403, 403, 302, method="post", kwargs=_another_user, **options)


_ADMIN_PAGES = custom(
    ADMIN_LOGIN,
    ADMIN_LOGIN,
    ADMIN_LOGIN,
    # Object pages may redirect (object of another model missing) or 404.
    (*_OK_OR_REDIRECT, 403, 404),
    kwargs=lambda ctx: {
        "object_id": str(ctx.users[ADMINISTRADOR].pk),
        "id": str(ctx.users[ADMINISTRADOR].pk),
        "app_label": "accounts",
        "content_type_id": "1",
        "url": "pagina-que-nao-existe/",
    },
)


url_rules = {
    # A logged-in user who opens the login page goes home.
    "accounts:login": custom(200, 302, 302, 302),
    "accounts:logout": public(302, method="post"),
    "accounts:password_change": custom(LOGIN, 200, 200, 200),
    # "Esqueci minha senha": for anyone; a link that is not a valid token
    # shows the "invalid or expired" page.
    "accounts:password_reset": public(200),
    "accounts:password_reset_sent": public(200),
    "accounts:password_reset_confirm": public(200, kwargs={"uidb64": "MQ", "token": "x-y"}),
    "accounts:password_reset_done": public(200),
    "accounts:settings": custom(LOGIN, 200, 200, 200),
    "accounts:user_list": _admin_only(),
    "accounts:user_create": _admin_only(),
    "accounts:user_edit": _admin_only(kwargs=_another_user),
    "accounts:user_password_reset": _admin_only(kwargs=_another_user),
    "accounts:user_deactivate": _admin_action(),
    "accounts:user_reactivate": _admin_action(),
    "accounts:user_unlock": _admin_action(),
    "accounts:user_password_reset_link": _admin_action(),
    # The token endpoints are how API callers authenticate: open to all, and an
    # empty body is bad input (400), whoever sends it.
    "auth-api:token": public(400, method="post", data={}, content_type="application/json"),
    "auth-api:token-refresh": public(400, method="post", data={}, content_type="application/json"),
    "auth-api:token-verify": public(400, method="post", data={}, content_type="application/json"),
    "auth-api:me": api(),
    "home": custom(LOGIN, 200, 200, 200),
    # The Django admin is for Administradores (staff) only; everyone else is
    # sent to its login page. Object URLs get an existing user's id.
    "admin:index": custom(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    # The admin's login page sends everyone to ours (which asks for the second factor).
    "admin:login": public(302),
    # Logging out always redirects (staff to LOGOUT_REDIRECT_URL).
    "admin:logout": public(302, method="post"),
    "admin:*": _ADMIN_PAGES,
    # Unnamed admin routes: old object URLs and the catch-all 404.
    "admin/*": _ADMIN_PAGES,
}
