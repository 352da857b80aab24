"""The one CPF masking policy (LGPD minimisation) for screens, exports, audit and logs.

- Lists and search results (screen or API): always ``***.456.789-**``.
- The profile page and exports: the full CPF only for users holding
  ``clientes.view_cpf_completo`` ("ver CPF completo": Gerente and
  Administrador by default, configurable per role); masked for the rest.
- Audit details and log lines: always masked (``audit.sanitize``).

Everything that shows a CPF asks ``cpf_for``; nothing calls ``format_cpf`` on
a client's CPF for display directly.
"""

from __future__ import annotations

from enum import StrEnum

from common.br import format_cpf, mask_cpf

CPF_FULL_PERMISSION = "clientes.view_cpf_completo"


class CpfUse(StrEnum):
    """Where a CPF is about to be shown."""

    LIST = "list"  # search results, tables, autocomplete
    PROFILE = "profile"  # one client's page (the view is audited)
    EXPORT = "export"  # CSV/XLSX/PDF files (audited)


def can_see_full_cpf(user) -> bool:
    """Return True when ``user`` may see full CPFs on profiles and exports."""
    return bool(user is not None and user.is_authenticated and user.has_perm(CPF_FULL_PERMISSION))


def shows_full_cpf(user, use: CpfUse | str) -> bool:
    """Return True when ``user`` sees full CPFs for ``use`` (else masked ones)."""
    return CpfUse(use) is not CpfUse.LIST and can_see_full_cpf(user)


def cpf_for(user, cpf: str, use: CpfUse | str = CpfUse.LIST) -> str:
    """Return the representation of ``cpf`` (11 stored digits) ``user`` may see for ``use``."""
    return format_cpf(cpf) if shows_full_cpf(user, use) else mask_cpf(cpf)
