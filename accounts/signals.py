"""Signals that accounts sends, for other apps to connect to.

The audit log does not listen to them: each service records its audit event
itself (``audit.services``), inside its transaction, and then sends its signal.

Authentication events use the standard signals, which already carry the request:

- ``django.contrib.auth.signals.user_logged_in`` / ``user_logged_out`` (web login,
  logout; also the Django admin), and ``user_login_failed`` (web *and* API: the
  token endpoint authenticates through ``django.contrib.auth.authenticate``).
- ``axes.signals.user_locked_out(request, username, ip_address)``: an (account,
  IP) pair reached the failure limit. ``request.axes_ip_address`` holds the
  client IP as resolved by ``common.client_ip.client_ip``.

Logins, logouts, failed logins and lockouts are audited by
``accounts.receivers``. Everything else is sent here. Services send their
signal inside the same database transaction as the change, so a receiver that
writes a row commits or rolls back together with it. ``by`` is the user who
acted (None for the system).

- ``token_obtained(sender, user, request)``: ``POST /api/v1/auth/token/`` succeeded.
- ``token_refreshed(sender, user, request)``: a refresh token was rotated.
- ``tokens_revoked(sender, user, reason, by)``: every API token of ``user`` was
  revoked; ``reason`` is one of ``REVOKE_REASONS``.
- ``password_changed(sender, user)``: the user changed their own password.
- ``password_reset(sender, user, by)``: an administrator set a temporary password.
- ``user_created(sender, user, by, role)``.
- ``user_changed(sender, user, by, changes)``: ``changes`` maps field name
  (``nome``, ``email``, ``role``) to ``(old, new)``.
- ``user_deactivated(sender, user, by)`` / ``user_reactivated(sender, user, by)``.
- ``user_unlocked(sender, email, by, attempts)``: an administrator cleared the
  failed-login lockout of ``email`` (``attempts``: records removed).
- ``system_settings_changed(sender, settings, by, changes)``: Configurações saved;
  ``changes`` maps field name to ``(old, new)``.
"""

from django.dispatch import Signal

REVOKE_REASONS = (
    "password_changed",
    "password_reset",
    "deactivated",
    "mfa_enabled",
    "mfa_reset",
)

token_obtained = Signal()
token_refreshed = Signal()
tokens_revoked = Signal()
password_changed = Signal()
password_reset = Signal()
user_created = Signal()
user_changed = Signal()
user_deactivated = Signal()
user_reactivated = Signal()
user_unlocked = Signal()
system_settings_changed = Signal()
