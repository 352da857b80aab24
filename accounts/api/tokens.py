"""API tokens that carry the user's token version, so they can be revoked early."""

from rest_framework_simplejwt.tokens import RefreshToken

# Claim holding ``User.token_version`` at issue time; copied into every access
# token derived from the refresh token, and kept through rotation.
TOKEN_VERSION_CLAIM = "tv"  # noqa: S105 - a claim name, not a secret


def tokens_for(user) -> RefreshToken:
    """Return a new (outstanding) refresh token for ``user``; ``.access_token`` derives from it."""
    refresh = RefreshToken.for_user(user)
    refresh[TOKEN_VERSION_CLAIM] = user.token_version
    return refresh


def is_current(token, user) -> bool:
    """Return whether ``token`` was issued after the user's last revocation."""
    return token.get(TOKEN_VERSION_CLAIM) == user.token_version
