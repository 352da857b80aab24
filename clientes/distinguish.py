"""What tells namesakes apart on a page of search results.

Dozens of "Maria Silva" rows with a masked CPF look alike to an analyst on the
phone. Within the masking policy (``clientes.masking``: the CPF stays masked in
lists), a row also shows the mother's first name and the last four digits of
the principal phone, read in one query for the page's ids.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from clientes.models import Cliente, Telefone

PHONE_TAIL = 4


def namesake_details(ids: list[int]) -> dict[int, dict]:
    """Return ``{id_cliente: {"mae": first name, "telefone_final": "4321"}}`` for ``ids``."""
    if not ids:
        return {}
    phone = Telefone.objects.filter(cliente=OuterRef("pk"), principal=True).order_by("id")
    rows = (
        Cliente.objects.filter(pk__in=ids)
        .annotate(telefone=Subquery(phone.values("numero")[:1]))
        .values_list("pk", "nome_mae", "telefone")
    )
    return {
        pk: {
            "mae": (nome_mae or "").split(" ", 1)[0],
            "telefone_final": (telefone or "")[-PHONE_TAIL:],
        }
        for pk, nome_mae, telefone in rows
    }
