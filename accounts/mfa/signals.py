"""Signals of two-factor authentication, for the audit log (see ``accounts.signals``).

Services send them inside their transaction. ``by`` is the user who acted.

- ``mfa_enabled(sender, user)``: the user confirmed an authenticator app.
- ``mfa_disabled(sender, user)``: the user turned two-factor authentication off.
- ``mfa_reset(sender, user, by)``: an administrator removed the user's devices.
- ``recovery_codes_regenerated(sender, user)``: new recovery codes; the old ones are void.
- ``mfa_policy_changed(sender, by, changes)``: ``changes`` maps role to ``(old, new)``.
"""

from django.dispatch import Signal

mfa_enabled = Signal()
mfa_disabled = Signal()
mfa_reset = Signal()
recovery_codes_regenerated = Signal()
mfa_policy_changed = Signal()
