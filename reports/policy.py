"""Who sees what in an export. Kept apart so the audit policy can replace it."""

from collections.abc import Callable

from clientes.br import format_cpf, mask_cpf

CPF_PERMISSION = "clientes.view_cpf_completo"


def cpf_for_export(user) -> Callable[[str], str]:
    """Return how this user's exports show a CPF: in full, or masked (LGPD)."""
    if user is not None and user.has_perm(CPF_PERMISSION):
        return format_cpf
    return mask_cpf
