"""Who sees what in an export: the one CPF policy, clientes.masking."""

from clientes.masking import CpfUse, shows_full_cpf


def export_shows_full_cpf(user) -> bool:
    """Return True when ``user``'s exports show full CPFs (else masked, LGPD)."""
    return shows_full_cpf(user, CpfUse.EXPORT)
