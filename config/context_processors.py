"""Template context shared by every page (footer, header)."""

from django.conf import settings

from accounts.roles import ROLE_LABELS, user_role
from config.version import VERSION


def site(request):
    """Return the system version, contact details and the user's role label."""
    context = {
        "SYSTEM_VERSION": VERSION,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        role = user_role(user)
        context["user_role"] = ROLE_LABELS.get(role, "")
    return context
