"""Who sees what in an export: the one CPF policy, clientes.masking."""

from collections.abc import Callable
from functools import partial

from clientes.masking import CpfUse, cpf_for


def cpf_for_export(user) -> Callable[[str], str]:
    """Return how this user's exports show a CPF: in full, or masked (LGPD)."""
    return partial(cpf_for, user, use=CpfUse.EXPORT)
