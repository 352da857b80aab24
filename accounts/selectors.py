"""Reads on accounts."""

from django.db.models import Q, QuerySet

from accounts.models import User


def user_list(*, q: str = "", role: str = "", situacao: str = "") -> QuerySet[User]:
    """Return users matching a name/email fragment, a role and active/inactive, by email."""
    users = User.objects.prefetch_related("groups").order_by("email")
    if q:
        users = users.filter(Q(email__icontains=q) | Q(nome__icontains=q))
    if role:
        users = users.filter(groups__name=role)
    if situacao == "ativos":
        users = users.filter(is_active=True)
    elif situacao == "inativos":
        users = users.filter(is_active=False)
    return users


def user_audit_target(email: str):
    """Return the audit target of an attempt aimed at the account of ``email``."""
    user_id = (
        User.objects.filter(email=email).values_list("pk", flat=True).first() if email else None
    )
    return ("accounts.user", user_id, email)
