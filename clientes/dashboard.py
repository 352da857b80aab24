"""The home dashboard's "Abertos recentemente": the clients the user last opened."""

from django.urls import reverse
from django.utils.translation import gettext as _

from audit.choices import Action
from audit.models import AuditEvent
from clientes.selectors import visible_clientes

RECENT = 5


def recently_opened(user) -> dict:
    """Return the panel of the last clients ``user`` opened (profile views, audited)."""
    opened = (
        AuditEvent.objects.filter(
            actor_email=user.email, action=Action.CLIENTE_VIEW, target_type="clientes.cliente"
        )
        .order_by("-occurred_at")
        .values_list("target_id", flat=True)[:50]
    )
    ids = list(dict.fromkeys(int(i) for i in opened if i.isdigit()))[:RECENT]
    # Names as they are now, and only clients the user may still see (LGPD).
    names = dict(visible_clientes(user).filter(pk__in=ids).values_list("pk", "nome_completo"))
    return {
        "title": _("Abertos recentemente"),
        "items": [
            {"label": names[pk], "url": reverse("clientes:detail", args=[pk])}
            for pk in ids
            if pk in names
        ],
        "empty": _("Os clientes que você abrir aparecem aqui."),
    }
