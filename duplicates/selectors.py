"""Reads of probable duplicates, with their rules (who sees which pairs)."""

from django.db.models import QuerySet

from clientes.selectors import visible_clientes
from duplicates.models import ParDuplicado

PERMISSION = "duplicates.merge_clientes"


def pair_list(*, user) -> QuerySet[ParDuplicado]:
    """Return the open pairs whose two clients ``user`` may see, best score first.

    Dismissed pairs and pairs with a tombstone, an anonymised record or (for
    whoever may not see them) a blocked client are left out.
    """
    visible = visible_clientes(user).values("pk")
    return (
        ParDuplicado.objects.filter(
            dispensado_em__isnull=True, cliente_a__in=visible, cliente_b__in=visible
        )
        .select_related("cliente_a", "cliente_b")
        .order_by("-score", "id")
    )


def pair_get(*, user, pk: int) -> ParDuplicado:
    """Return one open pair of ``pair_list`` or raise ``ParDuplicado.DoesNotExist``."""
    return pair_list(user=user).get(pk=pk)
