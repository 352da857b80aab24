"""Who may use each URL of two-factor authentication. See accounts/tests/matrix.py."""

from accounts.tests.matrix import LOGIN, api, custom, public
from accounts.tests.url_rules import _another_user

url_rules = {
    # Without a pending login (a right password in this session) the second
    # step sends everyone back to the login page.
    "mfa:verify": public(302),
    "mfa:security": custom(LOGIN, 200, 200, 200),
    "mfa:enrol": custom(LOGIN, 200, 200, 200),
    # An empty code is bad input, whoever sends it.
    "mfa:recovery_codes": custom(LOGIN, 400, 400, 400, method="post"),
    "mfa:disable": custom(LOGIN, 400, 400, 400, method="post"),
    "mfa:policy": custom(LOGIN, 403, 403, 302, method="post"),
    "mfa:user_reset": custom(LOGIN, 403, 403, 302, method="post", kwargs=_another_user),
    "mfa-api:totp": api(method="post", ok=201),
    "mfa-api:totp-confirm": api(method="post", data={}, ok=400),
    "mfa-api:mfa": api(method="delete", data={}, ok=400),
}
