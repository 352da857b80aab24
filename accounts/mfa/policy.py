"""Which roles must use two-factor authentication: read over the roles of ``accounts.roles``.

The list of roles is never repeated here, so a role added to ``ROLE_LABELS``
appears in Configurações → Segurança with its default at once.
"""

from accounts.mfa.models import RolePolicy
from accounts.roles import ADMINISTRADOR, ENCARREGADO, ROLE_LABELS, user_role

# Roles that can read or govern every client's personal data.
REQUIRED_BY_DEFAULT = frozenset({ADMINISTRADOR, ENCARREGADO})


def role_policies() -> dict[str, bool]:
    """Return {role: 2FA required} for every role of the system, in ROLE_LABELS order."""
    decided = dict(RolePolicy.objects.values_list("role", "mfa_required"))
    return {role: decided.get(role, role in REQUIRED_BY_DEFAULT) for role in ROLE_LABELS}


def role_requires_mfa(role: str | None) -> bool:
    """Return whether users of ``role`` must use two-factor authentication."""
    if role is None:
        return False
    decided = RolePolicy.objects.filter(role=role).values_list("mfa_required", flat=True).first()
    return role in REQUIRED_BY_DEFAULT if decided is None else decided


def user_requires_mfa(user) -> bool:
    """Return whether ``user``'s role requires two-factor authentication."""
    return role_requires_mfa(user_role(user))
